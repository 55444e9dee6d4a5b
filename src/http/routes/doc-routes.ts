import * as docs from '../../api/docs.js'
import { DockError } from '../../domain/errors.js'
import { renderSections } from '../../domain/markdown-sections.js'
import type { DockService } from '../../service/dock-service.js'
import { parseIfMatch, type Router } from '../route.js'

export function registerDocRoutes(router: Router, service: DockService): void {
  const docPath = '/v1/workspaces/:ws/docs/:doc'

  router.add({
    method: 'POST',
    url: '/v1/workspaces/:ws/docs',
    tag: 'docs',
    summary: 'Create a doc from markdown; headings split it into sections',
    operation: docs.createDoc,
    status: 201,
    handler: ({ caller, params, body }) => service.docs.createDoc(caller, params['ws']!, body),
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws/docs',
    tag: 'docs',
    summary: 'List docs (sections without bodies)',
    operation: docs.listDocs,
    handler: async ({ caller, params }) => ({
      items: (await service.docs.listDocs(caller, params['ws']!)).map((d) => ({
        ...d,
        sections: d.sections.map(({ body: _body, ...rest }) => rest),
      })),
      nextCursor: null,
    }),
  })
  router.add({
    method: 'GET',
    url: docPath,
    tag: 'docs',
    summary: 'Read a doc with sections, versions and editors; format=markdown gives the text',
    operation: docs.getDoc,
    handler: async ({ caller, params, query, reply }) => {
      const doc = await service.docs.getDoc(caller, params['ws']!, params['doc']!)
      void reply.header('etag', `"${doc.version}"`)
      if (query.format === 'markdown')
        return reply.type('text/markdown; charset=utf-8').send(renderSections(doc.sections))
      return doc
    },
  })
  router.add({
    method: 'PUT',
    url: docPath,
    tag: 'docs',
    summary: 'Replace the whole doc; needs expectedVersion (409) or If-Match (412), else 428',
    operation: docs.replaceDoc,
    handler: async ({ caller, params, body, request, reply }) => {
      const doc = await service.docs.replaceDoc(caller, params['ws']!, params['doc']!, {
        ...body,
        ifMatch: parseIfMatch(request),
      })
      void reply.header('etag', `"${doc.version}"`)
      return doc
    },
  })
  router.add({
    method: 'GET',
    url: `${docPath}/sections/:key`,
    tag: 'docs',
    summary: 'Read one section; ETag is its version',
    operation: docs.getSection,
    handler: async ({ caller, params, reply }) => {
      const section = await service.docs.getSection(caller, params['ws']!, params['doc']!, key(params['key']))
      void reply.header('etag', `"${section.version}"`)
      return section
    },
  })
  router.add({
    method: 'PUT',
    url: `${docPath}/sections/:key`,
    tag: 'docs',
    summary: 'Write one section; never conflicts with writes to other sections; a new key appends',
    operation: docs.writeSection,
    handler: async ({ caller, params, body, request, reply }) => {
      const result = await service.docs.writeSection(caller, params['ws']!, params['doc']!, key(params['key']), {
        ...body,
        ifMatch: parseIfMatch(request),
      })
      void reply.header('etag', `"${result.section.version}"`)
      return result
    },
  })
  router.add({
    method: 'GET',
    url: `${docPath}/sections/:key/history`,
    tag: 'docs',
    summary: "The log's writes to one section, oldest first",
    operation: docs.sectionHistory,
    handler: async ({ caller, params }) => ({
      items: await service.docs.sectionHistory(caller, params['ws']!, params['doc']!, key(params['key'])),
    }),
  })
  router.add({
    method: 'POST',
    url: `${docPath}/lock`,
    tag: 'docs',
    summary: 'Take the doc lock (an exclusive lease); 423 doc_locked when held',
    operation: docs.lockDoc,
    handler: ({ caller, params, body }) => service.docs.lockDoc(caller, params['ws']!, params['doc']!, body.leaseMs),
  })
  router.add({
    method: 'POST',
    url: `${docPath}/unlock`,
    tag: 'docs',
    summary: "Give the doc lock back; the holder sends the lock's token",
    operation: docs.unlockDoc,
    handler: ({ caller, params, body }) => service.docs.unlockDoc(caller, params['ws']!, params['doc']!, body.token),
  })
}

function key(raw: string | undefined): string {
  const parsed = docs.sectionKey.safeParse(raw)
  if (!parsed.success) throw new DockError('invalid_input', 'section key: letters, digits, _ and - only')
  return parsed.data
}
