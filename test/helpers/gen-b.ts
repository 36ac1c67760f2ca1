import type { GenBBody, GenBTransport } from '../../main/core/orchids/gen-b/types';

/** The Generation B wire object (spec §4.1, §8), written out independently of the encoder to compare bytes with. */
export function genBWireObject(body: GenBBody, transport: GenBTransport): unknown {
  const config = { system: body.config.system, thinkingMode: body.config.thinkingMode };
  return transport === 'ws'
    ? { messages: body.messages, modelName: body.modelName, maxTokens: body.maxTokens, config }
    : {
        messages: body.messages,
        model: body.modelName,
        modelName: body.modelName,
        // `omitempty` in the reference client's struct: no top-level system when the text is empty (§4.1).
        ...(config.system === '' ? {} : { system: config.system }),
        maxTokens: body.maxTokens,
        config,
      };
}
