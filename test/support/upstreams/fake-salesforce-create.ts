import { ServerResponse } from 'node:http';
import { FakeRequest, json } from './fake-http';
import { SALESFORCE_SCHEMA, SalesforceOrg, sfDateTime } from './fake-salesforce-data';
import { SObject } from './fake-salesforce-soql';

/** Record creation in the Salesforce stand-in (fake-salesforce.ts). */

export type RecordType = keyof SalesforceOrg['records'];

/** "Status Codes and Error Responses": a JSON array of `{ message, errorCode }`. */
export function salesforceError(
  res: ServerResponse,
  status: number,
  errorCode: string,
  message: string,
  fields?: string[],
) {
  json(res, status, [{ message, errorCode, ...(fields && { fields }) }]);
}

/**
 * "Create a Record": `POST /sobjects/Task` or `/sobjects/Case`, answering 201
 * `{ id, success, errors }`; an unknown field is INVALID_FIELD, a WhoId/ContactId that is not a
 * contact FIELD_INTEGRITY_EXCEPTION, a value of the wrong JSON type JSON_PARSER_ERROR.
 */
export function createRecord(
  org: SalesforceOrg,
  type: 'Task' | 'Case',
  req: FakeRequest,
  res: ServerResponse,
  now: number,
  newId: (type: RecordType) => string,
): void {
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return salesforceError(res, 400, 'JSON_PARSER_ERROR', 'The request body is not a JSON object');
  }
  const writable = SALESFORCE_SCHEMA.fields[type].fields.filter(
    (f) =>
      ![
        'Id',
        'CreatedDate',
        'LastModifiedDate',
        'SystemModstamp',
        'IsClosed',
        'CaseNumber',
      ].includes(f),
  );
  for (const [k, v] of Object.entries(body)) {
    if (!writable.includes(k))
      return salesforceError(
        res,
        400,
        'INVALID_FIELD',
        `No such column '${k}' on sobject of type ${type}`,
      );
    if (k === 'CallDurationInSeconds' && v !== null && !Number.isFinite(Number(v))) {
      return salesforceError(
        res,
        400,
        'JSON_PARSER_ERROR',
        `Cannot deserialize instance of int from VALUE_STRING value ${String(v)}`,
      );
    }
    if (v !== null && typeof v === 'object') {
      return salesforceError(
        res,
        400,
        'JSON_PARSER_ERROR',
        `Cannot deserialize instance of ${k} from START_OBJECT`,
      );
    }
  }
  const link = type === 'Task' ? 'WhoId' : 'ContactId';
  const target = body[link];
  if (target !== undefined && target !== null) {
    if (typeof target !== 'string' || !/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(target)) {
      return salesforceError(
        res,
        400,
        'MALFORMED_ID',
        `${link}: id value of incorrect type: ${String(target)}`,
        [link],
      );
    }
    const found = [...org.records.Contact.keys()].some(
      (id) => id.slice(0, 15) === target.slice(0, 15),
    );
    if (!found) {
      return salesforceError(
        res,
        400,
        'FIELD_INTEGRITY_EXCEPTION',
        `${link === 'WhoId' ? 'Contact/Lead' : 'Contact'} ID: id value of incorrect type: ${target}`,
        [link],
      );
    }
  }
  const at = sfDateTime(now);
  const record: SObject = {
    ...(type === 'Task'
      ? { Status: 'Not Started', Priority: 'Normal', TaskSubtype: 'Task' }
      : { Status: 'New', Priority: 'Medium' }),
    ...body,
    Id: newId(type),
    ...(type === 'Case' && { CaseNumber: String(org.records.Case.size + 5000).padStart(8, '0') }),
    IsClosed: false,
    OwnerId: org.userId,
    CreatedDate: at,
    LastModifiedDate: at,
    SystemModstamp: at,
  };
  org.records[type].set(record.Id, record);
  json(res, 201, { id: record.Id, success: true, errors: [] });
}
