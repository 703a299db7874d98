import { OpenAPIObject } from '@nestjs/swagger';
import { ActionDefinition } from '../connectors/ports';
import { DEMO_AUTH } from '../talkdesk/dto/authenticated-request.dto';

/** What an input of a well-known key looks like; other inputs get a value named after them. */
const SAMPLE_INPUTS: Record<string, unknown> = {
  subject: 'Call missed in Talkdesk',
  description: 'A call from Jane Doe was missed.',
  priority: 'high',
  duration: 95,
  name: 'Jane Roe',
  email: 'jane.roe@example.com',
  phone: '(212) 555-0199',
  company: 'Example Corp.',
  title: 'Head of Operations',
};

/**
 * The request Talkdesk would send to run `action` on a call with the demo contact 1 and agent 2:
 * every input filled (mandatory and optional).
 */
export function actionExampleBody(action: ActionDefinition) {
  return {
    auth: DEMO_AUTH,
    meta: { contact_external_id: '1', agent_external_id: '2' },
    data: Object.fromEntries(
      action.inputs.map((input) => [
        input.key,
        SAMPLE_INPUTS[input.key] ?? `Example ${input.name}`,
      ]),
    ),
  };
}

const ACTION_PATH = '/actions/{name}';

/**
 * Gives `POST /actions/{name}` one example per action the connector declares, under the action's
 * name both for the path parameter and for the body, so that the two always agree ("Try it out"
 * with one action's pair runs that action).
 */
export function addActionExamples(document: OpenAPIObject, actions: ActionDefinition[]): void {
  const operation = document.paths[ACTION_PATH]?.post;
  if (!operation || actions.length === 0) return;
  const parameter = operation.parameters?.find(
    (p) => 'in' in p && p.in === 'path' && p.name === 'name',
  );
  if (parameter && 'in' in parameter) {
    parameter.examples = Object.fromEntries(
      actions.map((a) => [
        a.name,
        { summary: a.display, description: a.description, value: a.name },
      ]),
    );
  }
  const body = operation.requestBody;
  const json = body && 'content' in body ? body.content['application/json'] : undefined;
  if (json) {
    json.examples = Object.fromEntries(
      actions.map((a) => [a.name, { summary: a.display, value: actionExampleBody(a) }]),
    );
  }
}
