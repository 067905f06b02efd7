import ts from 'typescript';
import path from 'node:path';
const entry = process.argv[2] ?? 'src/index.ts';
const program = ts.createProgram([entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true });
const checker = program.getTypeChecker();
const mod = checker.getSymbolAtLocation(program.getSourceFile(path.resolve(entry))!)!;
for (const s of checker.getExportsOfModule(mod)) {
  const r = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
  const d = r.declarations?.[0];
  console.log(path.relative(process.cwd(), d?.getSourceFile().fileName ?? '?'), s.getName());
}
