import fs from 'node:fs';
import path from 'node:path';

const SERVER = path.resolve(__dirname, '../fixtures/mcp/warehouse-mcp-server.mjs');

/** The server's tools as a client names them once it is registered as `warehouse` (Claude Code's and Qwen's form). */
export const LOOKUP = 'mcp__warehouse__lookup_inventory_records_by_warehouse_region';
export const BADGE = 'mcp__warehouse__render_badge';
/** The tool that always fails (`isError`). */
export const ARCHIVE = 'mcp__warehouse__open_archive';

/**
 * The warehouse MCP server (a stdio server in test/fixtures/mcp) as a client's settings launch it, logging each call
 * it serves to a file in `work`; and what it was asked, in order (nothing when it never started).
 */
export function warehouseMcpServer(work: string): {
  launch: { command: string; args: string[]; env: Record<string, string> };
  served: () => unknown[];
} {
  const log = path.join(work, 'mcp-calls.jsonl');
  return {
    launch: { command: process.execPath, args: [SERVER], env: { WAREHOUSE_MCP_CALLS: log } },
    served: () =>
      fs.existsSync(log)
        ? fs
            .readFileSync(log, 'utf8')
            .split('\n')
            .filter((line) => line.trim() !== '')
            .map((line) => JSON.parse(line) as unknown)
        : [],
  };
}
