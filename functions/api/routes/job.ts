import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { JobNotFound } from '../../../core/index.js';
import { type ApiDeps, wakeForInactive } from '../deps.js';
import { endpoint, errors, json } from '../endpoint.js';
import {
  idParams,
  idPriorityParams,
  idStateParams,
  jobSchema,
  messageSchema,
  stringListSchema,
} from '../schema.js';

/** Kue's routes on one job: read it, its log, set its state or priority, restart, remove. */
export function jobRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  const { queue } = deps;
  endpoint(
    app,
    createRoute({
      method: 'get',
      path: '/job/{id}',
      tags: ['kue'],
      summary: 'One job',
      request: { params: idParams },
      responses: { 200: json(jobSchema, 'the job in Kue toJSON() shape'), ...errors(400, 404) },
    }),
    async (c, { params }) => c.json((await queue.getJob(params.id)).toJSON()),
  );

  endpoint(
    app,
    createRoute({
      method: 'get',
      path: '/job/{id}/log',
      tags: ['kue'],
      summary: "A job's log lines, oldest first",
      request: { params: idParams },
      responses: { 200: json(stringListSchema, 'log lines'), ...errors(400, 404) },
    }),
    async (c, { params }) => c.json(await queue.logs(params.id)),
  );

  endpoint(
    app,
    createRoute({
      method: 'put',
      path: '/job/{id}/state/{state}',
      tags: ['kue'],
      summary: 'Moves a job to a state by hand',
      request: { params: idStateParams },
      responses: {
        200: json(messageSchema, "{message:'updated state'}"),
        ...errors(400, 404, 507),
      },
    }),
    async (c, { params }) => {
      await queue.setState([params.id], params.state);
      if (params.state === 'inactive') wakeForInactive(deps, c);
      return c.json({ message: 'updated state' });
    },
  );

  endpoint(
    app,
    createRoute({
      method: 'put',
      path: '/job/{id}/priority/{priority}',
      tags: ['kue'],
      summary: "Sets a job's priority: low, normal, medium, high, critical or an integer",
      request: { params: idPriorityParams },
      responses: {
        200: json(messageSchema, "{message:'updated priority'}"),
        ...errors(400, 404, 507),
      },
    }),
    async (c, { params }) => {
      await queue.setPriority(params.id, params.priority);
      return c.json({ message: 'updated priority' });
    },
  );

  endpoint(
    app,
    createRoute({
      method: 'get',
      path: '/inactive/{id}',
      tags: ['kue'],
      summary: "Kue's restart: moves a job back to inactive",
      request: { params: idParams },
      responses: {
        200: json(messageSchema, "{message:'job <id> inactive'}"),
        ...errors(400, 404, 507),
      },
    }),
    async (c, { params }) => {
      await queue.setState([params.id], 'inactive');
      wakeForInactive(deps, c);
      return c.json({ message: `job ${params.id} inactive` });
    },
  );

  endpoint(
    app,
    createRoute({
      method: 'delete',
      path: '/job/{id}',
      tags: ['kue'],
      summary: 'Removes a job and everything that refers to it',
      request: { params: idParams },
      responses: { 200: json(messageSchema, "{message:'job <id> removed'}"), ...errors(400, 404) },
    }),
    async (c, { params }) => {
      if ((await queue.remove([params.id])) === 0) throw new JobNotFound(params.id);
      return c.json({ message: `job ${params.id} removed` });
    },
  );
}
