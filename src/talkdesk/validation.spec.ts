import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { SyncContactsRequestDto } from '../contacts/dto/sync-contacts.dto';
import { RetrieveInteractionsRequestDto } from '../interactions/dto/retrieve-interactions.dto';
import { describeValidationErrors } from './validation';

/** Validates as the pipe does, but keeping values in the errors: the description must still leave them out. */
const errorsOf = <T extends object>(cls: new () => T, body: unknown): ValidationError[] =>
  validateSync(plainToInstance(cls, body) as object, {
    forbidUnknownValues: false,
    stopAtFirstError: true,
  });

describe('describeValidationErrors', () => {
  it('names a nested field by its path: meta.offset', () => {
    const errors = errorsOf(SyncContactsRequestDto, {
      auth: { username: 'u', password: 'p' },
      meta: { offset: { page: 'SECRET-OFFSET-VALUE' } },
    });

    const messages = describeValidationErrors(errors);

    expect(messages).toEqual(['meta.offset must be a string or a number']);
  });

  it('names every broken field, at any depth, and no value', () => {
    const errors = errorsOf(RetrieveInteractionsRequestDto, {
      auth: 'password=hunter2',
      meta: { interaction_types: ['ticket', 42] },
      data: { contact_name: { first: 'JANE-SECRET' }, contact_emails: 'jane-secret@example.com' },
    });

    const messages = describeValidationErrors(errors);
    const text = messages.join('\n');

    expect(messages.some((m) => m.startsWith('auth '))).toBe(true);
    expect(messages.some((m) => m.startsWith('meta.interaction_types '))).toBe(true);
    expect(messages.some((m) => m.startsWith('data.contact_name '))).toBe(true);
    expect(messages.some((m) => m.startsWith('data.contact_emails '))).toBe(true);
    for (const value of ['hunter2', '42', 'JANE-SECRET', 'jane-secret@example.com']) {
      expect(text).not.toContain(value);
    }
  });

  it('builds paths through several levels of children', () => {
    const leaf = Object.assign(new ValidationError(), {
      property: 'c',
      value: 'VALUE-C',
      constraints: { isString: 'c must be a string' },
      children: [],
    });
    const middle = Object.assign(new ValidationError(), {
      property: 'b',
      value: { c: 'VALUE-C' },
      children: [leaf],
    });
    const top = Object.assign(new ValidationError(), {
      property: 'a',
      value: { b: { c: 'VALUE-C' } },
      children: [middle],
    });

    expect(describeValidationErrors([top])).toEqual(['a.b.c must be a string']);
  });

  it('prefixes the path to a message that does not start with the property name', () => {
    const error = Object.assign(new ValidationError(), {
      property: 'offset',
      value: 'VALUE',
      constraints: { custom: 'Unreadable value' },
      children: [],
    });

    expect(describeValidationErrors([error], 'meta')).toEqual(['meta.offset: Unreadable value']);
  });

  it('describes nothing when nothing is broken', () => {
    expect(
      describeValidationErrors(
        errorsOf(SyncContactsRequestDto, { auth: { u: 1 }, meta: { offset: 3 } }),
      ),
    ).toEqual([]);
  });
});
