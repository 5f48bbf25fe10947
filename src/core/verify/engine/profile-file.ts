const PROFILE_FILE = /\.profile\.(toml|json|ya?ml)$/i;

/** A profile file's name (`ledger.profile.toml`): its own module, so telling one costs no parser. */
export function isProfileFile(name: string): boolean {
  return PROFILE_FILE.test(name);
}
