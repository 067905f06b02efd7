/**
 * The public API's option-taking surface, read from the type checker: every exported
 * function, class constructor and public method of `src/index.ts` that has a parameter
 * named `options` (or `args`/`config` on layer constructors). `test/options_walk.test.ts`
 * asserts each one is exercised with a misspelled key, so a new export cannot skip
 * `checkOptions` unnoticed.
 */
import path from 'node:path';
import ts from 'typescript';

const OPTION_PARAMS = new Set(['options', 'opts']);

function takesOptions(checker: ts.TypeChecker, sig: ts.Signature): boolean {
  return sig.getParameters().some((p) => OPTION_PARAMS.has(p.getName()));
}

/** Names like `focalLoss`, `new PsnrMetric`, `PsnrMetric.update`, sorted. */
export function optionTakingApi(entry = 'src/index.ts'): string[] {
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(path.resolve(entry));
  if (!sf) throw new Error(`cannot read ${entry}`);
  const out = new Set<string>();
  for (const exp of checker.getExportsOfModule(checker.getSymbolAtLocation(sf)!)) {
    const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
    const name = exp.getName();
    const decl = sym.valueDeclaration;
    if (!decl) continue;
    // only segaware's own declarations (tf/tfl re-exports are tfjs's)
    if (!decl.getSourceFile().fileName.includes(`${path.sep}src${path.sep}`)) continue;
    const type = checker.getTypeOfSymbolAtLocation(sym, decl);
    if (sym.flags & ts.SymbolFlags.Function) {
      if (type.getCallSignatures().some((s) => takesOptions(checker, s))) out.add(name);
    } else if (sym.flags & ts.SymbolFlags.Class) {
      if (type.getConstructSignatures().some((s) => takesOptions(checker, s))) out.add(`new ${name}`);
      const instance = checker.getDeclaredTypeOfSymbol(sym);
      for (const prop of instance.getProperties()) {
        const pd = prop.valueDeclaration;
        if (!pd || !pd.getSourceFile().fileName.includes(`${path.sep}src${path.sep}`)) continue;
        const mods = ts.canHaveModifiers(pd) ? ts.getModifiers(pd) ?? [] : [];
        if (mods.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
        if (prop.getName().startsWith('_')) continue;
        const pt = checker.getTypeOfSymbolAtLocation(prop, pd);
        if (pt.getCallSignatures().some((s) => takesOptions(checker, s))) out.add(`${name}.${prop.getName()}`);
      }
    } else if (sym.flags & ts.SymbolFlags.Variable) {
      // const arrow functions (e.g. `export const nanRelu = …`)
      if (type.getCallSignatures().some((s) => takesOptions(checker, s))) out.add(name);
    }
  }
  return [...out].sort();
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  console.log(optionTakingApi(process.argv[2]).join('\n'));
}
