import type { DockService } from '../../service/dock-service.js'
import type { Router } from '../route.js'
import { principalCreateBody, workspaceCreateBody } from '../schemas.js'

export function registerWorkspaceRoutes(router: Router, service: DockService): void {
  router.add({
    method: 'GET',
    url: '/v1/me',
    tag: 'workspaces',
    summary: 'The principal the key belongs to, and its workspace',
    handler: ({ caller }) => service.identity.me(caller),
  })
  router.add({
    method: 'POST',
    url: '/v1/workspaces',
    tag: 'workspaces',
    summary: 'Create a workspace (operator); the reply holds a fresh operator key for it, once',
    body: workspaceCreateBody,
    status: 201,
    handler: ({ caller, body }) => service.identity.createWorkspace(caller, body.name),
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces',
    tag: 'workspaces',
    summary: "The workspaces the caller's key belongs to (a key belongs to one)",
    handler: async ({ caller }) => ({ items: await service.identity.listWorkspaces(caller), nextCursor: null }),
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws',
    tag: 'workspaces',
    summary: 'Read a workspace',
    handler: ({ caller, params }) => service.identity.getWorkspace(caller, params['ws']!),
  })
  router.add({
    method: 'POST',
    url: '/v1/workspaces/:ws/freeze',
    tag: 'workspaces',
    summary: 'Refuse all writes; reads keep working (operator)',
    handler: ({ caller, params }) => service.identity.setFrozen(caller, params['ws']!, true),
  })
  router.add({
    method: 'POST',
    url: '/v1/workspaces/:ws/unfreeze',
    tag: 'workspaces',
    summary: 'Accept writes again (operator)',
    handler: ({ caller, params }) => service.identity.setFrozen(caller, params['ws']!, false),
  })
  router.add({
    method: 'POST',
    url: '/v1/workspaces/:ws/principals',
    tag: 'principals',
    summary: 'Create a principal (operator); the reply holds its key, once',
    body: principalCreateBody,
    status: 201,
    handler: ({ caller, params, body }) =>
      service.identity.createPrincipal(caller, params['ws']!, {
        name: body.name,
        ...(body.kind ? { kind: body.kind } : {}),
        ...(body.roles ? { roles: body.roles as ('operator' | 'reviewer' | 'member')[] } : {}),
        ...(body.skills ? { skills: body.skills } : {}),
        ...(body.budget ? { budget: body.budget } : {}),
        ...(body.publicKey !== undefined ? { publicKey: body.publicKey } : {}),
      }),
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws/principals',
    tag: 'principals',
    summary: 'List principals with their open claims and budget use',
    handler: async ({ caller, params }) => ({
      items: await service.identity.listPrincipals(caller, params['ws']!),
      nextCursor: null,
    }),
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws/principals/:id',
    tag: 'principals',
    summary: 'Read a principal (by id or name) with its open claims',
    handler: ({ caller, params }) => service.identity.getPrincipal(caller, params['ws']!, params['id']!),
  })
  router.add({
    method: 'POST',
    url: '/v1/workspaces/:ws/principals/:id/suspend',
    tag: 'principals',
    summary: 'Kill switch: refuse its requests, close its streams, release its leases (operator)',
    handler: ({ caller, params }) => service.identity.suspend(caller, params['ws']!, params['id']!),
  })
  router.add({
    method: 'POST',
    url: '/v1/workspaces/:ws/principals/:id/resume',
    tag: 'principals',
    summary: 'Lift a suspension (operator)',
    handler: ({ caller, params }) => service.identity.resume(caller, params['ws']!, params['id']!),
  })
}
