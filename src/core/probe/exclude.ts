/** Is case `id` excluded by an endpoint's `exclude` list (exact id, a family prefix, or a variant name)? */
export function isExcluded(id: string, exclude: string[]): boolean {
  return exclude.some(
    (x) =>
      id === x ||
      id.startsWith(`${x}:`) ||
      id.startsWith(`${x}/`) ||
      id.endsWith(`/${x}`) ||
      (x.startsWith('variant:') && id.endsWith(`/${x.slice(8)}`)),
  );
}
