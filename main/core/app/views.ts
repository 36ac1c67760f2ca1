/**
 * The one place the core's records become the contract's wire types. Every field is copied by name, so a column
 * added to a table stays inside the core until someone decides it belongs on the wire, and nothing sealed (cookies,
 * session ids, the API key) can leave by accident.
 */
import type { AccountView } from '../../../contract/account-views';
import type { DebugRecordView, HistoryView, RequestView } from '../../../contract/request-views';
import type { SettingView } from '../../../contract/settings-views';
import type { AccountRecord } from '../accounts/types';
import type { HistoryRow } from '../history/history-repo';
import type { DebugRecord } from '../logs/debug-trace';
import type { RequestReport } from '../proxy/observer';
import { SECRET_SETTINGS } from '../settings/definitions';
import type { SettingView as StoredSetting } from '../settings/settings-service';

/** How a secret setting reads when it is set: the same in the window, the CLI and the HTTP API. */
const MASKED_SECRET = '••••••••';

/** `creditsReading`: the account was just added and its first credits read is due or under way. */
export function accountView(account: AccountRecord, creditsReading = false): AccountView {
  return {
    id: account.id,
    name: account.name,
    email: account.email,
    enabled: account.enabled,
    weight: account.weight,
    requestCount: account.requestCount,
    lastUsedAt: account.lastUsedAt,
    status: account.status,
    statusReason: account.statusReason,
    statusUntil: account.statusUntil,
    protocol: account.protocol,
    credits:
      account.creditsCheckedAt === null
        ? null
        : {
            plan: account.creditsPlan ?? 'FREE',
            left: account.creditsLeft ?? 0,
            monthlyLimit: account.creditsLimit ?? 0,
            checkedAt: account.creditsCheckedAt,
          },
    ...(creditsReading ? { creditsReading: true as const } : {}),
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
  };
}

export function historyView(row: HistoryRow): HistoryView {
  return {
    id: row.id,
    requestId: row.requestId,
    startedAt: row.startedAt,
    accountId: row.accountId,
    model: row.model,
    upstreamModel: row.upstreamModel,
    stream: row.stream,
    status: row.status,
    stopReason: row.stopReason,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    firstByteMs: row.firstByteMs,
    durationMs: row.durationMs,
    errorType: row.errorType,
    errorMessage: row.errorMessage,
    retries: row.retries,
    accountsTried: row.accountsTried,
    debugLog: row.debugLog,
    protocol: row.protocol,
    api: row.api,
    accountName: row.accountName,
    accountEmail: row.accountEmail,
    accountsTriedNames: row.accountsTriedNames,
  };
}

export function requestView(report: RequestReport, debugLog: string | null, statsSeq: number): RequestView {
  return {
    requestId: report.requestId,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    model: report.model,
    upstreamModel: report.upstreamModel,
    stream: report.stream,
    status: report.status,
    stopReason: report.stopReason,
    inputTokens: report.inputTokens,
    outputTokens: report.outputTokens,
    firstByteMs: report.firstByteMs,
    durationMs: report.durationMs,
    accountId: report.accountId,
    accountsTried: report.accountsTried,
    retries: report.retries,
    protocol: report.protocol,
    api: report.api,
    accountName: report.accountName,
    accountEmail: report.accountEmail,
    errorType: report.errorType,
    errorMessage: report.errorMessage,
    debugLog,
    statsSeq,
  };
}

/**
 * A debug record is already a document made for people (the writer redacted it before it reached the disk), and
 * it can be megabytes: it goes as it is, with the compiler checking that it still has the wire shape.
 */
export function debugRecordView(record: DebugRecord): DebugRecordView {
  return record;
}

export function settingView(setting: StoredSetting): SettingView {
  const secret = SECRET_SETTINGS.has(setting.key);
  return {
    key: setting.key,
    value: secret ? (setting.value ? MASKED_SECRET : '') : setting.value,
    source: setting.source,
    ...(setting.env ? { env: setting.env } : {}),
    needsRestart: setting.needsRestart,
  };
}
