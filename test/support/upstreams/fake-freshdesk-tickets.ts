import { FakeRequest } from './fake-http';
import {
  FreshdeskAccount,
  FreshdeskTicket,
  Send,
  ticketJson,
  validation,
} from './fake-freshdesk-data';
import type { FakeFreshdesk } from './fake-freshdesk';

/**
 * Tickets, "Create a Ticket": a JSON body naming the requester (`requester_id`, or `email` /
 * `phone` of an existing contact), `subject` and `description`; `status` (default 2, Open),
 * `priority` (default 1, Low) and `source` are integers. Typed attributes are checked as the
 * "Error" section describes: a string where an integer is expected is a `datatype_mismatch`
 * ("Value set is of type String.It should be a/an Integer"), an integer outside the allowed
 * values an `invalid_value`. Answers 201 with the ticket and its `Location`.
 */

const typeName = (v: unknown) =>
  v === null
    ? 'Null'
    : Array.isArray(v)
      ? 'Array'
      : (typeof v)[0].toUpperCase() + (typeof v).slice(1);

interface FieldError {
  field: string;
  message: string;
  code: string;
}

function integer(body: any, field: string, allowed: number[] | null, errors: FieldError[]): void {
  const v = body[field];
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    errors.push({
      field,
      message: `Value set is of type ${typeName(v)}.It should be a/an Integer`,
      code: 'datatype_mismatch',
    });
  } else if (allowed && !allowed.includes(v)) {
    errors.push({
      field,
      message: `It should be one of these values: '${allowed.join(',')}'`,
      code: 'invalid_value',
    });
  }
}

function text(body: any, field: string, errors: FieldError[]): void {
  const v = body[field];
  if (v === undefined)
    errors.push({ field, message: 'It should be a/an String', code: 'missing_field' });
  else if (typeof v !== 'string') {
    errors.push({
      field,
      message: `Value set is of type ${typeName(v)}.It should be a/an String`,
      code: 'datatype_mismatch',
    });
  }
}

export function createTicket(
  fake: FakeFreshdesk,
  account: FreshdeskAccount,
  req: FakeRequest,
  send: Send,
): void {
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return send(400, validation('', 'Request body has invalid json format', 'invalid_json'));
  }
  const errors: FieldError[] = [];
  integer(body, 'requester_id', null, errors);
  integer(body, 'status', [2, 3, 4, 5], errors);
  integer(body, 'priority', [1, 2, 3, 4], errors);
  integer(body, 'source', [1, 2, 3, 7, 9, 10], errors);
  text(body, 'subject', errors);
  text(body, 'description', errors);
  if (body.requester_id === undefined && body.email === undefined && body.phone === undefined) {
    errors.push({
      field: 'requester_id',
      message: 'Please fill at least 1 of email, phone, requester_id fields',
      code: 'missing_field',
    });
  }
  if (errors.length) return send(400, { description: 'Validation failed', errors });
  const requester = account.contacts.find(
    (c) =>
      !c.deleted &&
      (body.requester_id !== undefined
        ? c.id === body.requester_id
        : body.email !== undefined
          ? c.email?.toLowerCase() === String(body.email).toLowerCase()
          : c.phone === String(body.phone)),
  );
  if (!requester) {
    return send(
      400,
      validation(
        'requester_id',
        'There is no contact matching the given requester_id',
        'invalid_value',
      ),
    );
  }
  const now = fake.nowSeconds();
  const ticket: FreshdeskTicket = {
    id: fake.nextId(),
    requester_id: requester.id,
    subject: body.subject,
    description: body.description,
    status: body.status ?? 2,
    priority: body.priority ?? 1,
    source: body.source ?? 2,
    company_id: requester.company_id,
    created_s: now,
    updated_s: now,
  };
  account.tickets.push(ticket);
  const location = `https://${account.domain}.freshdesk.com/api/v2/tickets/${ticket.id}`;
  return send(201, ticketJson(ticket, true), { location });
}
