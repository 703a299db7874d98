import { plainToInstance } from 'class-transformer';
import { IsString, validateSync, ValidateIf } from 'class-validator';
import { RunActionRequestDto } from '../actions/dto/run-action.dto';
import { SyncAgentsRequestDto } from '../agents/dto/sync-agents.dto';
import { ValidateAuthRequestDto } from '../auth/dto/validate-auth.dto';
import { SyncContactsRequestDto } from '../contacts/dto/sync-contacts.dto';
import { RetrieveInteractionsRequestDto } from '../interactions/dto/retrieve-interactions.dto';
import { validityCheckOf } from './compiled-validation';

/** The validator options of the bridge's pipe (createValidationPipe). */
const OPTIONS = {
  forbidUnknownValues: false,
  stopAtFirstError: true,
  validationError: { target: false, value: false },
};

const LEAVES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  '12',
  0,
  7,
  -1,
  1.5,
  NaN,
  Infinity,
  true,
  {},
  [],
  ['a'],
  ['a', null],
  ['a', 1],
  [{}],
  { a: 1 },
];

/** A deterministic stream of numbers in [0, 1), so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const BODIES: Record<string, { cls: new () => object; fields: Record<string, string[]> }> = {
  interactions: {
    cls: RetrieveInteractionsRequestDto,
    fields: {
      '': ['auth', 'meta', 'data', 'extra'],
      meta: ['interaction_types', 'other'],
      data: ['contact_external_id', 'contact_name', 'contact_emails', 'contact_phones'],
    },
  },
  contacts: {
    cls: SyncContactsRequestDto,
    fields: { '': ['auth', 'meta'], meta: ['synchronization_checkpoint', 'offset', 'context'] },
  },
  agents: { cls: SyncAgentsRequestDto, fields: { '': ['auth', 'meta'], meta: ['offset'] } },
  actions: {
    cls: RunActionRequestDto,
    fields: { '': ['auth', 'meta', 'data'], meta: ['contact_external_id', 'agent_external_id'] },
  },
  auth: { cls: ValidateAuthRequestDto, fields: { '': ['auth'] } },
};

function generate(next: () => number, fields: Record<string, string[]>, at = ''): unknown {
  const body: Record<string, unknown> = {};
  for (const name of fields[at] ?? []) {
    const roll = next();
    if (fields[name] && roll < 0.6) body[name] = generate(next, fields, name);
    else if (name === 'auth' && roll < 0.8) body[name] = { username: 'u', password: 'p' };
    else {
      const leaf = LEAVES[Math.floor(next() * LEAVES.length)];
      if (leaf !== undefined || next() < 0.5) body[name] = structuredClone(leaf);
    }
  }
  return body;
}

describe('validityCheckOf', () => {
  it.each(Object.keys(BODIES))(
    'agrees with class-validator on every generated %s body, valid or not',
    (name) => {
      const { cls, fields } = BODIES[name];
      const check = validityCheckOf(cls);
      expect(check).not.toBeNull();
      const next = random(name.length * 7919);
      let valid = 0;
      for (let i = 0; i < 3000; i++) {
        const entity = plainToInstance(cls, generate(next, fields)) as object;
        const expected = validateSync(entity, OPTIONS).length === 0;
        if (check!(entity) !== expected) {
          throw new Error(`disagrees (class-validator: ${expected}) on ${JSON.stringify(entity)}`);
        }
        if (expected) valid++;
      }
      // Both outcomes were exercised.
      expect(valid).toBeGreaterThan(10);
      expect(valid).toBeLessThan(2950);
    },
  );

  it('leaves a class with rules it does not handle to class-validator', () => {
    class Conditional {
      @ValidateIf((o: { kind?: string }) => o.kind === 'named')
      @IsString()
      name?: string;
    }
    class Each {
      @IsString({ each: true })
      names?: string[];
    }
    expect(validityCheckOf(Conditional)).not.toBeNull(); // ValidateIf is a plain condition
    expect(validityCheckOf(Each)).toBeNull();
  });

  it('checks a ValidateIf condition as class-validator does', () => {
    class Conditional {
      @ValidateIf((o: { kind?: string }) => o.kind === 'named')
      @IsString()
      name?: unknown;

      kind?: string;
    }
    const check = validityCheckOf(Conditional)!;
    const of = (plain: object) => plainToInstance(Conditional, plain);
    expect(check(of({ kind: 'other', name: 1 }))).toBe(true);
    expect(check(of({ kind: 'named', name: 1 }))).toBe(false);
    expect(check(of({ kind: 'named', name: 'n' }))).toBe(true);
  });
});
