/**
 * What README.md says CI and the test command do, held to `.ci/run` and package.json: a newcomer reproduces CI from
 * these sentences, and both files have changed under them before.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReadme, ROOT, section } from '../helpers/readme';

const readme = readReadme();
const ci = fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  engines: { node: string };
};
const setUp = section(readme, 'Set up a fresh machine');
/** The paragraph that begins "`bash .ci/run` is what CI runs". */
const ciParagraph = setUp.slice(setUp.indexOf('`bash .ci/run`')).split('\n\n')[0]!;

describe('README: what CI runs', () => {
  it('names the Debian packages .ci/run installs when missing, and no others', () => {
    const installed = [...ci.matchAll(/missing="\$missing ([\w-]+)"/g)].map((match) => match[1]!);
    expect(installed.length).toBeGreaterThan(0);
    const named = /installs Debian's ([\w ,-]+?) if missing/.exec(ciParagraph)![1]!.split(/ and |, /);
    expect(named.map((name) => name.toLowerCase()).sort()).toEqual(installed.sort());
  });

  it('gives, for a machine that must not download, the variables .ci/run sets for its install', () => {
    const exported = [...ci.matchAll(/^export (\w+=\S+)$/gm)].map((match) => match[1]!);
    expect(exported.length).toBeGreaterThan(0);
    const prefix = /prefix `npm install` with\s+`([^`]+)`/.exec(setUp)![1]!.split(' ');
    expect(prefix.sort()).toEqual(exported.sort());
  });

  it('says which install and test command .ci/run runs, and its time limit and the variable that changes it', () => {
    expect(ci).toMatch(/^npm install\b/m);
    expect(ciParagraph).toContain('runs\n`npm install` without the Electron and Playwright downloads, then `npm test`');
    expect(ci).toMatch(/timeout [^\n]* npm test \|\|/);
    expect(section(readme, 'Contributing')).toMatch(/^`npm test` is what CI runs;/m);
    const [, variable, minutes] = /(\w+)="\$\{\w+:-(\d+)\}"/.exec(ci)!;
    expect(ciParagraph).toContain(`within ${minutes} minutes (\`${variable}\` changes that)`);
  });
});

describe('README: the test command', () => {
  it('lists the steps of `npm test` in the order package.json runs them', () => {
    // Each step of the script, by the words the README uses for it.
    const words: Record<string, string> = {
      'npm run -s check': 'the static checks',
      'npm run -s build': 'the build',
      'vitest run': 'vitest',
      'playwright test': 'Playwright',
    };
    const steps = pkg.scripts.test!.split(' && ');
    expect(steps.filter((step) => !(step in words))).toEqual([]);
    const sentence = /^`npm test` runs ([^.]+)\./m.exec(section(readme, 'Tests'))![1]!;
    const places = steps.map((step) => sentence.indexOf(words[step]!));
    expect(places.every((place) => place >= 0)).toBe(true);
    expect(places).toEqual([...places].sort((a, b) => a - b));
  });

  it('asks for the Node version package.json declares', () => {
    const [, major, minor] = /^>=(\d+)\.(\d+)\.0$/.exec(pkg.engines.node)!;
    const asked = [...readme.matchAll(/\bNode (\d+\.\d+)\+/g)].map((match) => match[1]!);
    expect(asked.length).toBeGreaterThan(0);
    expect(new Set(asked)).toEqual(new Set([`${major}.${minor}`]));
  });
});
