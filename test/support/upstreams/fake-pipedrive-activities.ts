import { FakeRequest } from './fake-http';
import {
  activityJson,
  PipedriveActivity,
  PipedriveActivityType,
  PipedriveCompany,
} from './fake-pipedrive-data';
import type { FakePipedrive } from './fake-pipedrive';
import { failure, Send, v2Invalid } from './fake-pipedrive-paging';

/**
 * Activities, "Add a new activity" (v2, `POST /api/v2/activities`, the client's
 * `AddActivityRequest`): `subject`, `type`, `owner_id`, `person_id`, `org_id`, `due_date`
 * (`YYYY-MM-DD`), `due_time` (`HH:MM`), `duration` (`HH:MM`), `done`, `note`, `participants`.
 * v2 validates types strictly (API v2 migration guide): ids must be numbers, never numeric
 * strings, and `done` a boolean, never 0 or 1. Answers `{ success: true, data }`.
 */

const TYPES: PipedriveActivityType[] = ['call', 'meeting', 'task', 'deadline', 'email', 'lunch'];
const IDS = ['owner_id', 'person_id', 'org_id', 'deal_id', 'project_id'] as const;

export function addActivity(
  fake: FakePipedrive,
  company: PipedriveCompany,
  req: FakeRequest,
  send: Send,
): void {
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return send(400, failure('Request body must be a JSON object'));
  }
  for (const field of IDS) {
    const v = body[field];
    if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isInteger(v))) {
      return send(400, v2Invalid(field, `Expected number, received ${typeof v}`));
    }
  }
  if (body.done !== undefined && typeof body.done !== 'boolean') {
    return send(400, v2Invalid('done', `Expected boolean, received ${typeof body.done}`));
  }
  if (typeof body.subject !== 'string' || !body.subject.trim()) {
    return send(400, v2Invalid('subject', 'Required'));
  }
  if (body.type !== undefined && !TYPES.includes(body.type)) {
    return send(400, v2Invalid('type', `Invalid activity type '${String(body.type)}'`));
  }
  if (body.due_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(body.due_date))) {
    return send(400, v2Invalid('due_date', 'Invalid date, expected YYYY-MM-DD'));
  }
  if (body.due_time !== undefined && !/^\d{2}:\d{2}$/.test(String(body.due_time))) {
    return send(400, v2Invalid('due_time', 'Invalid time, expected HH:MM'));
  }
  const personId: number | null = body.person_id ?? body.participants?.[0]?.person_id ?? null;
  if (personId !== null && !company.persons.some((p) => p.id === personId && !p.is_deleted)) {
    return send(404, failure('Person not found'));
  }
  const now = fake.nowSeconds();
  const activity: PipedriveActivity = {
    id: fake.nextId(),
    subject: body.subject,
    type: body.type ?? 'task',
    owner_id: body.owner_id ?? company.users[0].id,
    person_id: personId,
    org_id: body.org_id ?? null,
    due_date: body.due_date ?? null,
    due_time: body.due_time ?? null,
    duration: body.duration ?? null,
    done: body.done ?? false,
    note: typeof body.note === 'string' ? body.note : null,
    add_s: now,
    update_s: now,
  };
  company.activities.push(activity);
  return send(200, { success: true, data: activityJson(activity) });
}
