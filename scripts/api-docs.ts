// Which exported operations of the public API (src/index.ts and src/api/*.ts) have no TSDoc:
// functions, classes and their public methods, and consts holding a function. Used by
// test/package/api.test.ts; `npx tsx scripts/api-docs.ts` prints the list.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const API_ENTRIES = ['src/index.ts'];

const documented = (symbol: ts.Symbol, checker: ts.TypeChecker) =>
  symbol.getDocumentationComment(checker).length > 0;

/** 'name (file)' for every operation exported by `entries` without a doc comment. */
export function undocumentedOperations(entries = API_ENTRIES): string[] {
  const files = entries.map((entry) => path.join(root, entry));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const missing = new Set<string>();
  for (const file of files) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.declarations?.[0];
      if (!declaration) continue;
      const where = path.relative(root, declaration.getSourceFile().fileName);
      const isFunctionConst =
        ts.isVariableDeclaration(declaration) &&
        declaration.initializer !== undefined &&
        (ts.isArrowFunction(declaration.initializer) ||
          ts.isFunctionExpression(declaration.initializer));
      if (symbol.flags & ts.SymbolFlags.Function || isFunctionConst) {
        if (!documented(symbol, checker)) missing.add(`${exported.name} (${where})`);
      } else if (symbol.flags & ts.SymbolFlags.Class) {
        if (!documented(symbol, checker)) missing.add(`${exported.name} (${where})`);
        for (const member of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) {
          const decl = member.declarations?.[0];
          const isPublicMethod =
            decl &&
            ts.isMethodDeclaration(decl) &&
            !(
              ts.getCombinedModifierFlags(decl) &
              (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)
            ) &&
            !member.name.startsWith('#');
          if (isPublicMethod && !documented(member, checker)) {
            missing.add(`${exported.name}.${member.name} (${where})`);
          }
        }
      }
    }
  }
  return [...missing].sort();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const missing = undocumentedOperations();
  console.log(missing.join('\n') || 'every exported operation has TSDoc');
  console.log(`${missing.length} undocumented`);
}
