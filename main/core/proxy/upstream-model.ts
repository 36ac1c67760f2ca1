import { mapModel, type ModelMap } from '../orchids/model-map';

/** How many different model ids are remembered before the memo starts again: clients ask for a handful. */
const MEMO_LIMIT = 64;

/**
 * mapModel with a memo: the request path asks for the same few model ids over and over, and mapping one (trim,
 * lowercase, version dots, the lookups) cost ~270 ns in process against ~30 for a hit here. A map is never mutated,
 * only replaced (model-map.ts), so a new map object empties the memo. DECISION: a Map of any id, emptied when full,
 * not a one-entry memo: Claude Code alternates a small model and a large one, which would miss every time.
 */
export class UpstreamModels {
  private map: ModelMap | undefined;
  private readonly mapped = new Map<string, string>();

  constructor(private readonly currentMap: () => ModelMap) {}

  for(requested: string): string {
    const map = this.currentMap();
    if (map !== this.map) {
      this.map = map;
      this.mapped.clear();
    }
    let upstream = this.mapped.get(requested);
    if (upstream === undefined) {
      upstream = mapModel(requested, map);
      if (this.mapped.size >= MEMO_LIMIT) this.mapped.clear();
      this.mapped.set(requested, upstream);
    }
    return upstream;
  }
}
