import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The Electron runtime cannot be downloaded on the build machines, and importing `electron` in a
 * test triggers that download. So only these thin glue files may import it at runtime; everything
 * else (all decisions) must be loadable by plain Node.
 */
const GLUE = [
  'index.ts',
  'core-host/core-host-supervisor.ts',
  'notifications/notifier.ts',
  'preload/preload.ts',
  'protocol/register-app-protocol.ts',
  'settings/apply-settings.ts',
  'tray/tray-controller.ts',
  'window/window-manager.ts',
].sort();

const mainDir = dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.(c|m)?ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Module specifiers a file loads at runtime (type-only imports and exports are erased). */
export function runtimeImports(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause?.isTypeOnly === true ||
        (clause !== undefined &&
          clause.name === undefined &&
          clause.namedBindings !== undefined &&
          ts.isNamedImports(clause.namedBindings) &&
          clause.namedBindings.elements.length > 0 &&
          clause.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      if (!node.isTypeOnly) out.push(node.moduleSpecifier.text);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      !node.isTypeOnly &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      out.push(node.moduleReference.expression.text);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const isElectron = (spec: string) => spec === 'electron' || spec.startsWith('electron/');
const toSource = (from: string, spec: string) => {
  const target = resolve(dirname(from), spec);
  return target.endsWith('.js') ? target.replace(/\.js$/, '.ts') : target.replace(/\.cjs$/, '.cts');
};

describe('electron imports', () => {
  const files = sourceFiles(mainDir);

  it('happen at runtime only in the listed glue files', () => {
    const importers = files
      .filter((f) => runtimeImports(f).some(isElectron))
      .map((f) => relative(mainDir, f))
      .sort();
    expect(importers).toEqual(GLUE);
  });

  it('never reach a pure module through another file (so every test loads without Electron)', () => {
    const glue = new Set(GLUE.map((g) => join(mainDir, g)));
    const offenders: string[] = [];
    for (const f of files) {
      if (glue.has(f)) continue;
      for (const spec of runtimeImports(f)) {
        if (spec.startsWith('.') && glue.has(toSource(f, spec)))
          offenders.push(`${relative(mainDir, f)} → ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('are seen by the checker, type-only ones are not (self-test)', () => {
    const entries = runtimeImports(join(mainDir, 'security', 'harden-web-contents.ts'));
    expect(entries.some(isElectron)).toBe(false);
    expect(runtimeImports(join(mainDir, 'preload', 'preload.ts'))).toContain('electron');
    expect(runtimeImports(join(mainDir, 'tray', 'tray-controller.ts'))).toContain('electron');
  });
});
