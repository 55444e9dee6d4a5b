import * as principals from '../../api/principals.js'
import * as workspaces from '../../api/workspaces.js'
import type { DockService } from '../../service/dock-service.js'
import type { Router } from '../route.js'

export function registerWorkspaceRoutes(router: Router, service: DockService): void {
  router.add({
    method: 'GET',
    url: '/v1/me',
    tag: 'workspaces',
    summary: 'The principal the key belongs to, and its workspace',
    operation: workspaces.me,
    handler: ({ caller }) => service.identity.me(caller),
  })
  router.add({
    method: 'POST',
    url: '/v1/workspaces',
    tag: 'workspaces',
    summary: 'Create a workspace (operator); the reply holds a fresh operator key for it, once',
    operation: workspaces.createWorkspace,
    status: 201,
    handler: ({ caller, body }) => service.identity.createWorkspace(caller, body.name),
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces',
    tag: 'workspaces',
    summary: "The workspaces the caller's key belongs to (a key belongs to one)",
    operation: workspaces.listWorkspaces,
    handler: async ({ caller }) => ({ items: await service.identity.listWorkspaces(caller), nextCursor: null }),
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws',
    tag: 'workspaces',
    summary: 'Read a workspace',
    operation: workspaces.getWorkspace,
    handler: ({ caller, params }) => service.identity.getWorkspace(caller, params['ws']!),
  })
  router.add({
    method: 'POST',
    url: '/v1/workspaces/:ws/freeze',
    tag: 'workspaces',
    summary: 'Refuse all writes; reads keep working (operator)',
    operation: workspaces.setFrozen,
    handler: ({ caller, params }) => service.identity.setFrozen(caller, params['ws']!, true),
  })
  router.add({
    method: 'POST',
    url: '/v1/workspaces/:ws/unfreeze',
    tag: 'workspaces',
    summary: 'Accept writes again (operator)',
    operation: workspaces.setFrozen,
    handler: ({ caller, params }) => service.identity.setFrozen(caller, params['ws']!, false),
  })
  router.add({
    method: 'POST',
    url: '/v1/workspaces/:ws/principals',
    tag: 'principals',
    summary: 'Create a principal (operator); the reply holds its key, once',
    operation: principals.createPrincipal,
    status: 201,
    handler: ({ caller, params, body }) => service.identity.createPrincipal(caller, params['ws']!, body),
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws/principals',
    tag: 'principals',
    summary: 'List principals with their open claims and budget use',
    operation: principals.listPrincipals,
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
    operation: principals.getPrincipal,
    handler: ({ caller, params }) => service.identity.getPrincipal(caller, params['ws']!, params['id']!),
  })
  router.add({
    method: 'POST',
    url: '/v1/workspaces/:ws/principals/:id/suspend',
    tag: 'principals',
    summary: 'Kill switch: refuse its requests, close its streams, release its leases (operator)',
    operation: principals.suspendPrincipal,
    handler: ({ caller, params }) => service.identity.suspend(caller, params['ws']!, params['id']!),
  })
  router.add({
    method: 'POST',
    url: '/v1/workspaces/:ws/principals/:id/resume',
    tag: 'principals',
    summary: 'Lift a suspension (operator)',
    operation: principals.resumePrincipal,
    handler: ({ caller, params }) => service.identity.resume(caller, params['ws']!, params['id']!),
  })
}
