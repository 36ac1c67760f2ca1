/**
 * The paths OpenAI's API defines that Orchids Tray does not serve (`/v1/embeddings`, `/v1/images/generations`, …).
 * An OpenAI client asking one gets its 404 in OpenAI's format, which its SDK reads as a NotFoundError with this
 * message, saying what is not offered and what is: Anthropic's format would leave its `code` and `param` empty and
 * name no route it could use instead.
 */
import type { IncomingMessage } from 'node:http';
import type { ApiRoute } from '../server/api-routes';
import { OpenAIRequestError, sendOpenAIError } from './errors';

/** What each of OpenAI's top-level paths offers, by its first segment after `/v1/`. */
const UNSERVED: Readonly<Record<string, string>> = {
  embeddings: 'embeddings',
  completions: 'the legacy Completions API',
  images: 'image generation',
  audio: 'audio (speech, transcriptions and translations)',
  moderations: 'moderations',
  files: 'files',
  uploads: 'uploads',
  batches: 'the Batch API',
  fine_tuning: 'fine-tuning',
  vector_stores: 'vector stores',
  assistants: 'the Assistants API',
  threads: 'the Assistants API',
  realtime: 'the Realtime API',
  evals: 'evals',
  containers: 'containers',
  conversations: 'stored conversations',
  videos: 'video generation',
};

const SERVED = 'it serves /v1/chat/completions, /v1/responses and /v1/models.';

/** Answered in OpenAI's format, as the OpenAI routes' own refusals are. */
const OPENAI_FORMAT: Pick<ApiRoute, 'sendError'> = { sendError: sendOpenAIError };

/**
 * The 404 for a `/v1` path no route serves, when OpenAI defines it, with the format it is answered in; undefined for
 * any other path. A client that says it speaks Anthropic's API (`anthropic-version`) keeps Anthropic's 404: both
 * APIs define `/v1/files`.
 */
export function openAIUnserved(
  req: IncomingMessage,
  method: string,
  path: string,
): { error: OpenAIRequestError; format: Pick<ApiRoute, 'sendError'> } | undefined {
  if (req.headers['anthropic-version'] !== undefined) return undefined;
  if (!path.startsWith('/v1/')) return withoutV1(method, path);
  const [first = '', second] = path.slice('/v1/'.length).split('/');
  // A stored completion (`GET /v1/chat/completions/{id}`, its messages, updating or deleting it): none is stored.
  const what =
    first === 'chat' && second === 'completions'
      ? 'stored chat completions'
      : Object.hasOwn(UNSERVED, first)
        ? UNSERVED[first]
        : undefined;
  if (!what) return undefined;
  return {
    error: new OpenAIRequestError(
      `Orchids Tray does not offer ${what} (${method} ${path}): ${SERVED}`,
      null,
      'not_found',
      404,
    ),
    format: OPENAI_FORMAT,
  };
}

/**
 * One of OpenAI's paths it does not serve asked without its `/v1` (`POST /embeddings`): what the OpenAI SDK asks when
 * given the proxy's bare address as its base URL, where OpenAI's SDKs take one ending in `/v1`. Answered in OpenAI's
 * format, so the SDK's NotFoundError carries the hint; the served paths keep the server's own hint (baseUrlHint).
 */
function withoutV1(
  method: string,
  path: string,
): { error: OpenAIRequestError; format: Pick<ApiRoute, 'sendError'> } | undefined {
  const first = path.split('/')[1] ?? '';
  if (!Object.hasOwn(UNSERVED, first)) return undefined;
  return {
    error: new OpenAIRequestError(
      `Not found: ${method} ${path}. OpenAI's paths start with /v1: a client that does not add /v1 itself takes a ` +
        `base URL ending in /v1. Orchids Tray does not offer ${UNSERVED[first]} under /v1 either: ${SERVED}`,
      null,
      'not_found',
      404,
    ),
    format: OPENAI_FORMAT,
  };
}

/**
 * OpenAI's format for a refusal on `/v1/models` and `/v1/models/{id}`, which both APIs define (a 405, a model it does
 * not know, a wrong key), when the client is OpenAI's: a bearer key with no `anthropic-version` (Anthropic's SDKs
 * always send it), or the OpenAI SDK's own user agent. Others keep Anthropic's.
 */
export function openAIModelsFormat(req: IncomingMessage, path: string): Pick<ApiRoute, 'sendError'> | undefined {
  if (path !== '/v1/models' && !path.startsWith('/v1/models/')) return undefined;
  if (req.headers['anthropic-version'] !== undefined) return undefined;
  const bearer = /^bearer\s/i.test(req.headers.authorization ?? '');
  return bearer || (req.headers['user-agent'] ?? '').startsWith('OpenAI/') ? OPENAI_FORMAT : undefined;
}
