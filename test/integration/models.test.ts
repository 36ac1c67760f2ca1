import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_MAP, listedModels } from '../../main/core/orchids/model-map';
import { startStack, type Stack } from '../helpers/stack';

/** `GET /v1/models`: one body both SDKs read, paged the way the Anthropic API pages (limit, after_id, before_id). */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

const allIds = () => listedModels(stack.core.settings.get('modelMap'));

async function get(query: string): Promise<{ status: number; body: any }> {
  const response = await request(`${stack.url}/v1/models${query}`);
  return { status: response.statusCode, body: await response.body.json() };
}

describe('GET /v1/models', () => {
  it('without a limit lists every model, each entry in both APIs’ shapes', async () => {
    const { status, body } = await get('');
    expect(status).toBe(200);
    expect(body.object).toBe('list');
    expect(body.data.map((m: { id: string }) => m.id)).toEqual(allIds());
    expect(body).toMatchObject({ has_more: false, first_id: allIds()[0], last_id: allIds().at(-1) });
    expect(body.data[0]).toEqual({
      type: 'model',
      id: allIds()[0],
      display_name: body.data[0].display_name,
      description: body.data[0].description,
      created_at: '2025-01-01T00:00:00Z',
      capabilities: null,
      deprecated_at: null,
      lifecycle: 'active',
      line: /haiku|sonnet|opus/.exec(allIds()[0]!)?.[0] ?? null,
      max_input_tokens: allIds()[0]!.startsWith('claude-') ? 200_000 : null,
      max_tokens: null,
      retires_at: null,
      object: 'model',
      created: 1735689600,
      owned_by: 'orchids',
    });
  });

  it('names Claude ids as Anthropic names the model, and says which model answers an id sent on', async () => {
    const names = Object.fromEntries((await get('')).body.data.map((m: any) => [m.id, m.display_name]));
    expect(names).toMatchObject({
      'claude-sonnet-4-6': 'Claude Sonnet 4.6',
      'claude-sonnet-4-6-thinking': 'Claude Sonnet 4.6 Thinking',
      'claude-sonnet-4-5': 'Claude Sonnet 4.5 (runs Claude Sonnet 4.6)',
      'claude-sonnet-4-5-thinking': 'Claude Sonnet 4.5 Thinking',
      'claude-opus-4-5': 'Claude Opus 4.5 (runs Claude Opus 4.6)',
      'claude-haiku-4-5': 'Claude Haiku 4.5',
      'claude-sonnet-4-20250514': 'Claude Sonnet 4',
      'claude-3-7-sonnet-20250219': 'Claude Sonnet 3.7',
      'gemini-3-pro': 'gemini-3-pro',
    });
    stack.core.settings.set('modelMap', { 'my-model': 'claude-opus-4-6', 'my-gemini': 'gemini-3-pro' });
    const mine = (await get('')).body.data.map((m: any) => m.display_name);
    stack.core.settings.set('modelMap', DEFAULT_MODEL_MAP);
    expect(mine).toEqual(['my-model (runs Claude Opus 4.6)', 'my-gemini (runs gemini-3-pro)']);
  });

  it('describes what runs upstream, and that a thinking id runs its model with thinking', async () => {
    const said = Object.fromEntries((await get('')).body.data.map((m: any) => [m.id, m.description]));
    expect(said).toMatchObject({
      'claude-sonnet-4-6': 'Runs Claude Sonnet 4.6 on Orchids',
      'claude-sonnet-4-5': 'Runs Claude Sonnet 4.6 on Orchids',
      // The table sends it to claude-sonnet-4-6, with thinking asked for.
      'claude-sonnet-4-6-thinking': 'Claude Sonnet 4.6 with thinking, on Orchids',
      'claude-sonnet-4-5-thinking': 'Claude Sonnet 4.5 with thinking, on Orchids',
      'claude-opus-4-5': 'Runs Claude Opus 4.6 on Orchids',
      'claude-3-7-sonnet-20250219': 'Runs Claude Sonnet 3.7 on Orchids',
      'gemini-3-pro': 'Runs gemini-3-pro on Orchids',
    });
  });

  it('a thinking id the table sends to its plain id asks for no thinking itself: the request decides', async () => {
    const upstream = async (thinking?: { type: 'disabled' }) => {
      await stack.client().messages.create({
        model: 'claude-sonnet-4-6-thinking',
        max_tokens: 100,
        ...(thinking && { thinking }),
        messages: [{ role: 'user', content: 'hi' }],
      });
      const { modelName, config } = stack.sim.requests.at(-1)!.body;
      return { modelName, thinkingMode: config.thinkingMode };
    };
    expect(await upstream()).toEqual({ modelName: 'claude-sonnet-4-6', thinkingMode: 'enabled' });
    expect(await upstream({ type: 'disabled' })).toEqual({ modelName: 'claude-sonnet-4-6', thinkingMode: 'disabled' });
  });

  it('pages forward with limit and after_id, and back with before_id', async () => {
    const ids = allIds();
    expect(ids.length).toBeGreaterThan(6);
    const first = await get('?limit=3');
    expect(first.body.data.map((m: { id: string }) => m.id)).toEqual(ids.slice(0, 3));
    expect(first.body).toMatchObject({ has_more: true, first_id: ids[0], last_id: ids[2] });

    const second = await get(`?limit=3&after_id=${encodeURIComponent(first.body.last_id)}`);
    expect(second.body.data.map((m: { id: string }) => m.id)).toEqual(ids.slice(3, 6));
    expect(second.body.has_more).toBe(ids.length > 6);

    const last = await get(`?limit=2&after_id=${encodeURIComponent(ids.at(-3)!)}`);
    expect(last.body).toMatchObject({ has_more: false, first_id: ids.at(-2), last_id: ids.at(-1) });

    const back = await get(`?limit=2&before_id=${encodeURIComponent(ids[5]!)}`);
    expect(back.body.data.map((m: { id: string }) => m.id)).toEqual(ids.slice(3, 5));
    expect(back.body.has_more).toBe(true);
    const start = await get(`?limit=5&before_id=${encodeURIComponent(ids[2]!)}`);
    expect(start.body.data.map((m: { id: string }) => m.id)).toEqual(ids.slice(0, 2));
    expect(start.body.has_more).toBe(false);
  });

  it('the Anthropic SDK walks every page and finds every model once', async () => {
    const seen: string[] = [];
    for await (const model of stack.client().models.list({ limit: 4 })) seen.push(model.id);
    expect(seen).toEqual(allIds());
    const page = await stack.client().models.list({ limit: 4 });
    expect(page.has_more).toBe(true);
    expect((await stack.client().models.retrieve('claude-opus-4-6')).id).toBe('claude-opus-4-6');
  });

  it.each([
    ['?limit=0', /limit/],
    ['?limit=abc', /limit/],
    ['?limit=1001', /limit/],
    ['?after_id=no-such-model', /after_id: no model/],
    ['?before_id=no-such-model', /before_id: no model/],
    ['?after_id=claude-opus-4-6&before_id=claude-opus-4-5', /either after_id or before_id/],
  ])('%s → 400 invalid_request_error', async (query, message) => {
    const { status, body } = await get(query);
    expect(status).toBe(400);
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(message);
  });
});

describe('GET /v1/models as Codex CLI asks for it (its `client_version` query parameter)', () => {
  it('answers with Codex’s model catalog: every listed id, with the freeform apply_patch tool', async () => {
    const { status, body } = await get('?client_version=0.171.0');
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['models']);
    expect(body.models.map((m: { slug: string }) => m.slug)).toEqual(allIds());
    const sonnet = body.models.find((m: { slug: string }) => m.slug === 'claude-sonnet-4-6');
    expect(sonnet).toMatchObject({
      display_name: 'Claude Sonnet 4.6',
      apply_patch_tool_type: 'freeform',
      shell_type: 'unified_exec',
      visibility: 'list',
      supported_in_api: true,
      support_verbosity: false,
      truncation_policy: { mode: 'tokens', limit: 10_000 },
      experimental_supported_tools: [],
      input_modalities: ['text', 'image'],
    });
    // Codex refuses an entry without instructions; ours is one line of our own, not Codex's prompt for GPT.
    expect(sonnet.base_instructions).toMatch(/apply_patch/);
    expect(sonnet.base_instructions).not.toContain('\n');
    // Each effort offered is one the Responses route turns into a thinking budget.
    expect(sonnet.supported_reasoning_levels.map((l: { effort: string }) => l.effort)).toEqual([
      'none',
      'low',
      'medium',
      'high',
      'xhigh',
    ]);
    expect(sonnet.default_reasoning_level).toBeUndefined();
    // A Claude model's window, which Codex compacts its history before reaching; another vendor's id gets none.
    expect(sonnet.context_window).toBe(200_000);
    const gemini = body.models.find((m: { slug: string }) => m.slug === 'gemini-3-pro');
    expect(gemini).toBeDefined();
    expect(gemini).not.toHaveProperty('context_window');
    // Only Codex's parameter switches the shape: other clients keep the list, whatever else the query holds.
    const other = await get('?limit=2&beta=true');
    expect(other.body.models).toBeUndefined();
    expect(other.body).toMatchObject({ object: 'list', has_more: true });
  });

  it('follows the model map: an id the user adds is in the catalog, a pattern is not', async () => {
    const map = stack.core.settings.get('modelMap');
    try {
      stack.core.settings.set('modelMap', { ...map, 'my-claude': 'claude-opus-4-6', 'claude-named-gpt': 'gpt-5.2' });
      const { body } = await get('?client_version=0.171.0');
      const slugs = body.models.map((m: { slug: string }) => m.slug);
      expect(slugs).toContain('my-claude');
      // The window follows the model the id reaches upstream, not how the id is spelled.
      const entry = (slug: string) => body.models.find((m: { slug: string }) => m.slug === slug);
      expect(entry('my-claude').context_window).toBe(200_000);
      expect(entry('claude-named-gpt')).not.toHaveProperty('context_window');
      expect(slugs.some((s: string) => s.includes('*'))).toBe(false);
    } finally {
      stack.core.settings.set('modelMap', map);
    }
  });
});
