// Nothing of the demo in an installed app: the packaged build's main bundle must hold none of the
// sandbox's files (a platform emulator with fixed credentials and its own HTTP server) and no
// demo mode, whatever CALLRELAY_DEMO says at run time. A development build keeps the demo.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildElectron } from '../../scripts/build-electron.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
const sandboxFiles = fs
  .readdirSync(path.join(root, 'electron/headless/sandbox'))
  .map((f) => `electron/headless/sandbox/${f}`);
const outdirs: string[] = [];
afterAll(() => outdirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function buildMain(production: boolean) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-main-bundle-'));
  outdirs.push(outdir);
  const { mainMetafile } = await buildElectron({ production, outdir, logLevel: 'silent', metafile: true });
  return {
    inputs: Object.keys(mainMetafile!.inputs),
    text: fs.readFileSync(path.join(outdir, 'main/main.js'), 'utf8'),
  };
}

describe('the packaged desktop build', () => {
  it('leaves the sandbox, its credentials and the demo mode out of the main bundle', async () => {
    expect(sandboxFiles.length).toBeGreaterThan(5);
    const { inputs, text } = await buildMain(true);
    expect(inputs).toContain('electron/main/main.ts');
    expect(inputs.filter((i) => sandboxFiles.includes(i))).toEqual([]);
    expect(inputs).not.toContain('electron/headless/demo.ts');
    expect(inputs).not.toContain('electron/main/demo-mode.ts');
    expect(text).not.toMatch(/sandbox-[a-z-]+-(token|key|secret|password|user)/);
    expect(text).not.toContain('__sandbox');
  }, 120_000);

  it('a development build still has the demo (the check above is not vacuous)', async () => {
    const { inputs } = await buildMain(false);
    expect(inputs).toContain('electron/headless/sandbox/sandbox.ts');
  }, 120_000);
});
