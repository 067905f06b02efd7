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

/** An option-taking signature: where its `options` parameter is and which keys it accepts. */
export interface OptionSignature {
  /** `focalLoss`, `new PsnrMetric`, `PsnrMetric.update` */
  name: string;
  /** 0-based position of the options parameter */
  index: number;
  keys: string[];
}

/** The option keys of a signature's `options` parameter, or null when it has none. */
function optionKeys(checker: ts.TypeChecker, sig: ts.Signature): { index: number; keys: string[] } | null {
  const params = sig.getParameters();
  const index = params.findIndex((q) => OPTION_PARAMS.has(q.getName()));
  const p = params[index];
  if (!p || !p.valueDeclaration) return null;
  const t = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(p, p.valueDeclaration));
  const parts = t.isUnion() ? t.types : [t];
  const keys = new Set<string>();
  for (const part of parts) for (const prop of checker.getPropertiesOfType(part)) keys.add(prop.getName());
  return { index, keys: [...keys].sort() };
}

function firstKeys(checker: ts.TypeChecker, sigs: readonly ts.Signature[]): { index: number; keys: string[] } | null {
  for (const s of sigs) {
    const k = optionKeys(checker, s);
    if (k) return k;
  }
  return null;
}

/** Names like `focalLoss`, `new PsnrMetric`, `PsnrMetric.update` with their option keys, sorted by name. */
export function optionTakingApi(entry = 'src/index.ts'): OptionSignature[] {
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
  const out = new Map<string, { index: number; keys: string[] }>();
  for (const exp of checker.getExportsOfModule(checker.getSymbolAtLocation(sf)!)) {
    const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
    const name = exp.getName();
    const decl = sym.valueDeclaration;
    if (!decl) continue;
    // only segaware's own declarations (tf/tfl re-exports are tfjs's)
    if (!decl.getSourceFile().fileName.includes(`${path.sep}src${path.sep}`)) continue;
    const type = checker.getTypeOfSymbolAtLocation(sym, decl);
    if (sym.flags & ts.SymbolFlags.Function) {
      const k = firstKeys(checker, type.getCallSignatures());
      if (k) out.set(name, k);
    } else if (sym.flags & ts.SymbolFlags.Class) {
      const k = firstKeys(checker, type.getConstructSignatures());
      if (k) out.set(`new ${name}`, k);
      const instance = checker.getDeclaredTypeOfSymbol(sym);
      for (const prop of instance.getProperties()) {
        const pd = prop.valueDeclaration;
        if (!pd || !pd.getSourceFile().fileName.includes(`${path.sep}src${path.sep}`)) continue;
        const mods = ts.canHaveModifiers(pd) ? ts.getModifiers(pd) ?? [] : [];
        if (mods.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
        if (prop.getName().startsWith('_')) continue;
        const pt = checker.getTypeOfSymbolAtLocation(prop, pd);
        const mk = firstKeys(checker, pt.getCallSignatures());
        if (mk) out.set(`${name}.${prop.getName()}`, mk);
      }
    } else if (sym.flags & ts.SymbolFlags.Variable) {
      // const arrow functions (e.g. `export const nanRelu = …`)
      const k = firstKeys(checker, type.getCallSignatures());
      if (k) out.set(name, k);
    }
  }
  return [...out].sort(([a], [b]) => a.localeCompare(b)).map(([name, k]) => ({ name, ...k }));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  console.log(optionTakingApi(process.argv[2]).map((e) => `${e.name} [${e.index}]: ${e.keys.join(', ')}`).join('\n'));
}
