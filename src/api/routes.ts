// The control API's routes under /v1: each turns a request into an Action, hands it to `perform`, and
// shapes the result. Errors are thrown and become `{ error: { code, message } }` in build-api.ts.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Action, ActionResult } from '../vm/actions.js';
import {
  errorResponses, FwRegListSchema, FwRegParamsSchema, FwRegSchema, FwRegSetBodySchema, NoContentSchema, SnapshotBodySchema,
  StateBodySchema, VmStatusSchema, VmgenidSchema,
} from './schemas.js';

export type Perform = (action: Action) => Promise<ActionResult>;

export const API_PREFIX = '/v1';

/** Fails loudly when the layer below answers an action with the wrong kind of result. */
async function act<K extends ActionResult['kind']>(perform: Perform, action: Action, kind: K): Promise<Extract<ActionResult, { kind: K }>> {
  const result = await perform(action);
  if (result.kind !== kind) throw new Error(`The VM answered '${action.kind}' with a '${result.kind}' result instead of '${kind}'`);
  return result as Extract<ActionResult, { kind: K }>;
}

/** What any route with a JSON body can be refused for before it reaches the VM. */
const BODY_ERRORS = ['bad-request', 'unsupported-media-type', 'body-too-large'] as const;

export const vmRoutes: FastifyPluginAsyncTypebox<{ perform: Perform }> = async (app, { perform }) => {
  app.get('/vm', {
    schema: {
      operationId: 'getVm',
      summary: 'What the VM is and whether it is running',
      tags: ['vm'],
      response: { 200: VmStatusSchema, ...errorResponses([]) },
    },
  }, async () => (await act(perform, { kind: 'status' }, 'status')).status);

  app.put('/vm/state', {
    schema: {
      operationId: 'putVmState',
      summary: 'Pause or resume the VM',
      description: 'Pausing parks every vCPU outside KVM_RUN and answers once all have stopped; pausing a paused VM, or resuming a running one, does nothing.',
      tags: ['vm'],
      body: StateBodySchema,
      response: { 204: NoContentSchema, ...errorResponses([...BODY_ERRORS, 'bad-state']) },
    },
  }, async (req, reply) => {
    await act(perform, { kind: req.body.state === 'paused' ? 'pause' : 'resume' }, 'done');
    return reply.code(204).send(null);
  });

  app.put('/vm/snapshot', {
    schema: {
      operationId: 'putVmSnapshot',
      summary: 'Write a snapshot of the VM to a directory',
      description: 'A running VM is paused while its state and memory are written, then resumed.',
      tags: ['vm'],
      body: SnapshotBodySchema,
      response: { 204: NoContentSchema, ...errorResponses([...BODY_ERRORS, 'bad-state', 'snapshot-exists', 'snapshot-failed', 'no-space']) },
    },
  }, async (req, reply) => {
    await act(perform, { kind: 'snapshot', dir: req.body.dir }, 'done');
    return reply.code(204).send(null);
  });

  app.get('/vm/vmgenid', {
    schema: {
      operationId: 'getVmgenid',
      summary: "The VM's Generation ID",
      description: 'Answers 404 (not-found) when the VM has no VM Generation ID device.',
      tags: ['vm'],
      response: { 200: VmgenidSchema, ...errorResponses(['not-found']) },
    },
  }, async () => ({ uuid: (await act(perform, { kind: 'vmgenid' }, 'vmgenid')).uuid }));

  app.get('/vm/fw-regs', {
    schema: {
      operationId: 'listFwRegs',
      summary: "The VM's firmware pseudo-registers",
      description: 'Every register KVM_GET_REG_LIST would list for the firmware group, with its id, name and current value.',
      tags: ['vm'],
      response: { 200: FwRegListSchema, ...errorResponses([]) },
    },
  }, async () => ({ regs: [...(await act(perform, { kind: 'fw-reg-list' }, 'fw-regs')).regs] }));

  app.get('/vm/fw-regs/:reg', {
    schema: {
      operationId: 'getFwReg',
      summary: 'Read one firmware pseudo-register (KVM_GET_ONE_REG)',
      description: 'Answers 404 (fw-reg, errno ENOENT) for anything that is not a firmware register.',
      tags: ['vm'],
      params: FwRegParamsSchema,
      response: { 200: FwRegSchema, ...errorResponses(['bad-request', 'fw-reg']) },
    },
  }, async (req) => (await act(perform, { kind: 'fw-reg-get', reg: req.params.reg }, 'fw-reg')).reg);

  app.put('/vm/fw-regs/:reg', {
    schema: {
      operationId: 'putFwReg',
      summary: 'Write one firmware pseudo-register (KVM_SET_ONE_REG)',
      description: "KVM's rules for a VM that has run: a bitmap may only be written with its current value (else 409, errno EBUSY), " +
        'a value KVM refuses is 400 (errno EINVAL, checked first), and the PSCI version may change at any time. ' +
        'Answers the register as it now reads: a WORKAROUND_n write is checked but not stored, so it reads the host\'s level.',
      tags: ['vm'],
      params: FwRegParamsSchema,
      body: FwRegSetBodySchema,
      response: { 200: FwRegSchema, ...errorResponses([...BODY_ERRORS, 'fw-reg']) },
    },
  }, async (req) => (await act(perform, { kind: 'fw-reg-set', reg: req.params.reg, value: req.body.value }, 'fw-reg')).reg);
};
