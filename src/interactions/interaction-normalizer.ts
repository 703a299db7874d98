import { InteractionRecord } from '../connectors/ports';

import {
  PRIORITIES,
  Priority,
  STATUSES,
  Status,
  TalkdeskInteraction,
} from '../talkdesk/contract/interactions';

/** Words external systems use for Talkdesk's priorities; anything else is `none`. */
const PRIORITY_SYNONYMS: Record<string, Priority> = {
  lowest: 'low',
  minor: 'low',
  p4: 'low',
  p5: 'low',
  medium: 'normal',
  moderate: 'normal',
  p3: 'normal',
  major: 'high',
  important: 'high',
  p2: 'high',
  critical: 'urgent',
  blocker: 'urgent',
  highest: 'urgent',
  emergency: 'urgent',
  p1: 'urgent',
  p0: 'urgent',
};

/** Words external systems use for Talkdesk's statuses; anything else (or nothing) is `open`. */
const STATUS_SYNONYMS: Record<string, Status> = {
  created: 'new',
  unassigned: 'new',
  'in progress': 'open',
  active: 'open',
  assigned: 'open',
  reopened: 'open',
  working: 'open',
  'on hold': 'pending',
  hold: 'pending',
  waiting: 'pending',
  awaiting: 'pending',
  blocked: 'pending',
  resolved: 'solved',
  done: 'solved',
  fixed: 'solved',
  completed: 'solved',
  complete: 'solved',
  archived: 'closed',
  cancelled: 'closed',
  canceled: 'closed',
  rejected: 'closed',
};

const canonical = (value: string | null | undefined) =>
  (value ?? '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');

export function toPriority(value: string | null | undefined): Priority {
  const key = canonical(value);
  return (PRIORITIES as readonly string[]).includes(key)
    ? (key as Priority)
    : (PRIORITY_SYNONYMS[key] ?? 'none');
}

export function toStatus(value: string | null | undefined): Status {
  const key = canonical(value);
  return (STATUSES as readonly string[]).includes(key)
    ? (key as Status)
    : (STATUS_SYNONYMS[key] ?? 'open');
}

/** ISO 8601 (UTC) of a date, epoch milliseconds or date string; null when it is no date. */
export function toIsoDate(value: Date | number | string): string | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function toTalkdeskInteraction(record: InteractionRecord): TalkdeskInteraction | null {
  const date = toIsoDate(record.date);
  const id = record.id === null || record.id === undefined ? '' : String(record.id);
  if (!date || !id) return null;
  const interaction: TalkdeskInteraction = {
    id,
    type: record.type,
    subject: record.subject?.trim() ?? '',
    description: record.description?.trim() ?? '',
    date,
    priority: toPriority(record.priority),
    status: toStatus(record.status),
  };
  if (record.url?.trim()) interaction.url = record.url.trim();
  return interaction;
}
