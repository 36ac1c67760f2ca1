/**
 * README's own walk-through, done as it is written: "Trying the app without Orchids" (the simulator as its own
 * process, a fake user made with the README's curl, the app pointed at the simulator as the README maps its URLs),
 * and "From zero to a first answer" (the headless app, its curl without an account, the account added from a cookie
 * file, the same curl again). Every `curl` in the README's shell blocks is sent as written, on the app's port.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEntryPoints, runBuiltCli, startProcess, type Running } from '../helpers/processes';
import { readReadme, section } from '../helpers/readme';
import { tempDir } from '../helpers/temp-dir';

const readme = readReadme();
const tests = section(readme, 'Tests');
const trying = tests.slice(tests.indexOf('**Trying the app without Orchids.**'));
const tryingParagraph = trying.slice(0, trying.indexOf('\n\n'));

/** A command line split as a POSIX shell splits it, for the quoting the README uses: '…', "…" and bare words. */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3]!);
}

interface CurlRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** What curl would send for the flags the README's examples use; any other flag fails, so a new one is seen. */
function curlRequest(line: string): CurlRequest {
  const words = shellWords(line);
  expect(words[0]).toBe('curl');
  const request: CurlRequest = { method: 'GET', url: '', headers: {} };
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-H') {
      const [name = '', ...value] = words[++i]!.split(':');
      request.headers[name.trim().toLowerCase()] = value.join(':').trim();
    } else if (word === '-d') {
      request.body = words[++i];
      if (request.method === 'GET') request.method = 'POST';
      // curl's -d sends a form type unless told otherwise.
      request.headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (word === '-X') request.method = words[++i]!;
    else if (/^https?:\/\//.test(word)) request.url = word;
    else throw new Error(`a curl flag this test does not know: ${word} (in ${line})`);
  }
  return request;
}

async function send(request: CurlRequest): Promise<{ status: number; text: string }> {
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
  return { status: response.status, text: await response.text() };
}

/** Every curl command line in the README's `sh` blocks, its `\` continuations joined. */
function readmeCurls(): string[] {
  const blocks = [...readme.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((match) => match[1]!.replace(/\\\n\s*/g, ''));
  return blocks.flatMap((block) => block.split('\n').filter((line) => line.startsWith('curl ')));
}

/** The README's example address, which the app prints for its default port, moved to the port this app got. */
const onPort = (line: string, url: string) => line.replaceAll('http://127.0.0.1:3002', url);

let sim: Running;
let app: Running;
let url: string;
let env: NodeJS.ProcessEnv;
let simUrls: Record<string, string>;

beforeAll(async () => {
  await buildEntryPoints();
  // "`node dist/test/sim/main.js` runs the simulator and prints one JSON line".
  const command = /`node (dist\/test\/sim\/main\.js)`/.exec(tryingParagraph)![1]!;
  sim = startProcess(command, {});
  simUrls = JSON.parse((await sim.waitFor(/^\{.*\}$/m))[0]) as Record<string, string>;
  // "Start the app with `ORCHIDS_CLERK_URL`, … set to the first five": the README's order is the mapping.
  const keys = tryingParagraph
    .slice(0, tryingParagraph.indexOf('(on random ports'))
    .match(/`\w+`/g)!
    .map((span) => span.slice(1, -1));
  const start = tryingParagraph.slice(tryingParagraph.indexOf('Start the app with'));
  const variables = start
    .slice(0, start.indexOf('set to the first five'))
    .match(/`ORCHIDS_\w+`/g)!
    .map((span) => span.slice(1, -1));
  expect(Object.keys(simUrls)).toEqual(keys);
  expect(variables).toHaveLength(5);
  env = {
    ORCHIDS_TRAY_DATA_DIR: tempDir(),
    ...Object.fromEntries(variables.map((variable, i) => [variable, simUrls[keys[i]!]!])),
  };
  // "`ORCHIDS_TRAY_DATA_DIR=/tmp/orchids-try ORCHIDS_TRAY_PORT=0 npm run headless`, where `0` picks a free port".
  app = startProcess('dist/main/headless.js', { ...env, ORCHIDS_TRAY_PORT: '0' });
  url = (await app.waitFor(/^Proxy: (http:\/\/127\.0\.0\.1:\d+)$/m))[1]!;
}, 60_000);

afterAll(async () => {
  for (const running of [app, sim]) {
    running?.child.kill('SIGTERM');
    await running?.exited;
  }
});

describe('README: the walk-through, as written', () => {
  it('has curl examples to walk', () => {
    expect(readmeCurls().length).toBeGreaterThanOrEqual(2);
  });

  it('without an account, each curl example gets a 424 that says how to add one', async () => {
    expect(readme).toContain('Without an account the curl gets a `424` that says how to add one.');
    for (const line of readmeCurls()) {
      const { status, text } = await send(curlRequest(onPort(line, url)));
      expect({ line, status }).toEqual({ line, status: 424 });
      expect(text).toContain('npm run cli -- accounts add --cookie-file');
    }
  });

  it('with a fake user from its curl, added from a cookie file, answers each curl example as it says', async () => {
    const makeUser = /`(curl -X POST <controlUrl>\/users [^`]*)`/.exec(tryingParagraph)![1]!;
    const user = await send(curlRequest(makeUser.replace('<controlUrl>', simUrls.controlUrl!)));
    expect(user.status).toBe(200);
    const { clientCookie } = JSON.parse(user.text) as { clientCookie: string };

    // The first block's second line, with its cookie.txt holding the cookie.
    const zero = /^```sh\n([\s\S]*?)^```/m.exec(readme)![1]!;
    const add = /^npm run cli -- (accounts add --cookie-file cookie\.txt)/m.exec(zero)![1]!;
    const file = path.join(env.ORCHIDS_TRAY_DATA_DIR!, 'cookie.txt');
    fs.writeFileSync(file, clientCookie);
    const added = await runBuiltCli(add.replace('cookie.txt', file).split(' '), env);
    expect(added.stdout).toMatch(/^Added account 1: /);

    const answer = /Every request is then answered\s+"([^"]+)"/.exec(tryingParagraph)![1]!;
    for (const line of readmeCurls()) {
      const { status, text } = await send(curlRequest(onPort(line, url)));
      expect({ line, status }).toEqual({ line, status: 200 });
      expect((JSON.parse(text) as { content: { text: string }[] }).content[0]!.text).toBe(answer);
    }

    const credits = /`accounts credits` reads "([^"]+)"/.exec(tryingParagraph)![1]!;
    expect((await runBuiltCli(['accounts', 'credits'], env)).stdout).toContain(credits);
  });
});
