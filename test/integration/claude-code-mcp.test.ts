import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finish, reply, sse, toolCall, type AgentRequestInfo, type SimStep } from '../sim/orchids-simulator';
import { ALL_MODES, sentToolPair, upstreamText } from '../helpers/upstream';
import { startCliStack, sentToolResults, turnsAbout } from '../helpers/cli-clients';
import type { Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { ARCHIVE, BADGE, LOOKUP, warehouseMcpServer } from '../helpers/warehouse-mcp';
import { runClaude } from '../helpers/claude-code';

/**
 * The real Claude Code with a real MCP server (test/fixtures/mcp, stdio), as nearly every user has one. Claude Code
 * 2.1.332 holds MCP tools back behind its ToolSearch: it names them (`mcp__warehouse__render_badge`) in a reminder
 * and declares one only once a ToolSearch has loaded it, marked `defer_loading`. The simulator plays the agent: it
 * loads two of the tools, calls them and a third one it never loaded (Claude Code runs that call all the same),
 * and answers only once every result came back.
 */
const KEY = 'test-claude-code-key';
/** The 1×1 PNG the server's render_badge returns. */
const BADGE_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP438AAAAQBAYDFKhhdAAAAAElFTkSuQmCC';
const LOOKUP_INPUT = { warehouse: { region: 'north', code: 'WH-7' }, skus: ['A1', 'B2'] };

const calls = (...steps: SimStep[][]) => sse([...steps.flat(), ...finish('tool-calls')]);
const loadTools = (id: string) => toolCall({ id, name: 'ToolSearch', input: { query: `select:${LOOKUP},${BADGE}` } });

/** Claude Code run in a fresh folder with the warehouse server, every tool of it granted; what the server was asked. */
async function runWithWarehouse(stack: Stack, prompt: string) {
  const work = tempDir('orchids-cc-mcp-');
  const server = warehouseMcpServer(work);
  const warehouse = { type: 'stdio', ...server.launch };
  const result = await runClaude(
    work,
    prompt,
    { ANTHROPIC_BASE_URL: stack.url, ANTHROPIC_API_KEY: KEY },
    { allowedTools: ['mcp__warehouse'], mcpServers: { warehouse } },
  );
  return { result, served: server.served() };
}

describe.each(ALL_MODES)("Claude Code runs an MCP server's tools through Orchids Tray ($name)", (mode) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startCliStack(mode, KEY);
  });
  afterAll(async () => stack?.stop());

  it(
    'loaded through ToolSearch or called directly: nested input, and text, image and error results',
    { timeout: 60_000 },
    async () => {
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (!seen.includes('stock of A1')) return undefined;
        // Checked newest first: each later request also carries what the earlier ones did.
        if (seen.includes('LOCKED-88')) return sse(reply('A1 and B2 are in stock; the archive is locked.'));
        if (seen.includes('STOCK-LEDGER-58')) {
          return calls(
            toolCall({ id: 'toolu_sim_mcp_badge_02', name: BADGE, input: { label: 'A1' } }),
            toolCall({ id: 'toolu_sim_mcp_archive_03', name: ARCHIVE, input: { year: 1999 } }),
          );
        }
        if (seen.includes('toolu_sim_mcp_search_00')) {
          return calls(toolCall({ id: 'toolu_sim_mcp_lookup_01', name: LOOKUP, input: LOOKUP_INPUT }));
        }
        return calls(loadTools('toolu_sim_mcp_search_00'));
      });

      const { result, served } = await runWithWarehouse(stack, 'What is the stock of A1 and B2 in WH-7?');
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        is_error: false,
        result: 'A1 and B2 are in stock; the archive is locked.',
      });
      // The MCP server got each call with the agent's input, nested object and array intact.
      expect(served).toEqual([
        { name: 'lookup_inventory_records_by_warehouse_region', arguments: LOOKUP_INPUT },
        { name: 'render_badge', arguments: { label: 'A1' } },
        { name: 'open_archive', arguments: { year: 1999 } },
      ]);

      const turns = turnsAbout(stack, /stock of A1/);
      expect(turns.map((t) => t.protocol)).toEqual(Array(4).fill(mode.expect));
      const [first, loaded, , last] = turns as [AgentRequestInfo, AgentRequestInfo, AgentRequestInfo, AgentRequestInfo];
      expect(sentToolPair(last, 'toolu_sim_mcp_lookup_01', LOOKUP, 'A1: 17 in WH-7')).toBe(true);
      expect(sentToolPair(last, 'toolu_sim_mcp_badge_02', BADGE, 'Badge for A1:')).toBe(true);
      expect(sentToolPair(last, 'toolu_sim_mcp_archive_03', ARCHIVE, 'LOCKED-88')).toBe(true);
      if (mode.expect === 'sse-a') {
        // Generation A is shown what Anthropic's API would show the model: neither Claude Code's placeholder, which
        // is never to be called, nor an MCP tool before a ToolSearch loaded it.
        const offered = (turn: AgentRequestInfo) => (turn.body.tools as Array<{ name: string }>).map((t) => t.name);
        expect(offered(first)).toContain('ToolSearch');
        expect(offered(first)).not.toContain('DeferredToolPlaceholder');
        expect(offered(first).filter((name) => name.startsWith('mcp__'))).toEqual([]);
        expect(offered(loaded)).toEqual(expect.arrayContaining([LOOKUP, BADGE]));
        expect(offered(loaded)).not.toContain('DeferredToolPlaceholder');
        // Generation A is shown the two tools once loaded, their nested schema reduced but whole; the image is a
        // line naming it, and the error keeps its flag.
        const shown = (loaded.body.tools as Array<{ name: string; input_schema: unknown }>).find(
          (t) => t.name === LOOKUP,
        );
        expect(shown?.input_schema).toMatchObject({
          properties: {
            warehouse: { type: 'object', properties: { region: { enum: ['north', 'south'] } } },
            skus: { type: 'array', items: { type: 'string' } },
          },
          required: ['warehouse', 'skus'],
        });
        expect(last.body.prompt).toMatch(
          /<tool_result tool_use_id="toolu_sim_mcp_badge_02">Badge for A1:\n\[Image image\/png/,
        );
        expect(last.body.prompt).toMatch(/<tool_result tool_use_id="toolu_sim_mcp_archive_03" is_error="true">/);
      } else {
        // Generation B is sent no tools; the image goes up as itself, and the error keeps its flag.
        expect(loaded.body.tools).toBeUndefined();
        const results = new Map(sentToolResults(last).map((b) => [b.tool_use_id, b]));
        expect(results.get('toolu_sim_mcp_badge_02')?.content).toContainEqual({
          type: 'image',
          source: { type: 'base64', media_type: 'image/png', data: BADGE_PNG },
        });
        expect(results.get('toolu_sim_mcp_archive_03')).toMatchObject({ is_error: true });
        const entries = (last.body.messages as Array<{ ToolResults?: Array<Record<string, unknown>> }>).flatMap(
          (m) => m.ToolResults ?? [],
        );
        expect(entries.find((e) => e.ToolUseID === 'toolu_sim_mcp_archive_03')).toMatchObject({ IsError: true });
      }
    },
  );

  it(
    'names the MCP tools the agent loaded among the tools it is told the client has',
    { timeout: 60_000 },
    async () => {
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (!seen.includes('stock of C3')) return undefined;
        if (seen.includes('STOCK-LEDGER-58')) return sse(reply('C3 is in stock.'));
        if (seen.includes('no tool named "ExitPlanMode"')) {
          const input = { warehouse: { region: 'south', code: 'WH-2' }, skus: ['C3'] };
          return calls(toolCall({ id: 'toolu_sim_mcp_lookup_05', name: LOOKUP, input }));
        }
        // A tool Claude Code does not have: the proxy answers the call, telling the agent which tools there are.
        if (seen.includes('toolu_sim_mcp_search_04')) {
          return calls(toolCall({ id: 'toolu_sim_mcp_plan_04', name: 'ExitPlanMode', input: {} }));
        }
        return calls(loadTools('toolu_sim_mcp_search_04'));
      });

      const { result } = await runWithWarehouse(stack, 'What is the stock of C3 in WH-2?');
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ is_error: false, result: 'C3 is in stock.' });
      const told = turnsAbout(stack, /stock of C3/)
        .map(upstreamText)
        .find((t) => t.includes('no tool named "ExitPlanMode"'));
      const offered = /Its tools are: ([^.]*)\./.exec(told ?? '')?.[1]?.split(', ');
      // Both tools it loaded, and the one it did not, which Claude Code would run all the same; not the placeholder.
      expect(offered).toEqual(expect.arrayContaining([LOOKUP, BADGE, ARCHIVE]));
      expect(offered).not.toContain('DeferredToolPlaceholder');
    },
  );
});
