/**
 * Prints every public export of a segaware entry point, one per line, as
 * `kind name` (kind: value, type or class), sorted — the public-API snapshot
 * that `test/public_api.test.ts` compares with `docs/api/exports.txt`.
 *
 * Usage: `npx tsx scripts/api-list.ts [entry=src/index.ts]`
 */
import ts from 'typescript';
import path from 'node:path';

export function listExports(entry: string): string[] {
  const program = ts.createProgram([entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(path.resolve(entry));
  if (!sf) throw new Error(`cannot read ${entry}`);
  const mod = checker.getSymbolAtLocation(sf);
  if (!mod) return [];
  return checker
    .getExportsOfModule(mod)
    .map((s) => {
      const r = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      const kind = r.flags & ts.SymbolFlags.Class ? 'class' : r.flags & ts.SymbolFlags.Value ? 'value' : 'type';
      return `${kind} ${s.getName()}`;
    })
    .sort((a, b) => a.split(' ')[1]!.localeCompare(b.split(' ')[1]!));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  console.log(listExports(process.argv[2] ?? 'src/index.ts').join('\n'));
}
