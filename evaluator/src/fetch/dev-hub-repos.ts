import { createHash } from 'node:crypto'
import { HubReply, sha256 } from './dev-hub-http.js'

/** A hub account behind a token (`whoAmI`), and where it may write. */
export interface DevHubUser {
  name: string
  /** Organisations the user belongs to: their namespaces are writable too. */
  orgs?: string[]
  /** A `read` token is refused every write with 403, as on the hub. @default 'write' */
  role?: 'read' | 'write'
}

/** A path in a tree → the sha256 of its bytes in the blob store. */
type Tree = Map<string, string>

interface Repo {
  id: string
  private: boolean
  /**
   * Every ref that resolves: branch names, commit oids, and the free-form revisions `addFile` uses. A commit
   * gets its own frozen tree; the branch it moved gets a copy, so a later `addFile` on the branch cannot
   * change what the oid serves.
   */
  trees: Map<string, Tree>
  /** branch → commit oid at its head. */
  heads: Map<string, string>
}

/** One change of a commit, as the NDJSON lines of `POST /api/models/{repo}/commit/{rev}` carry them. */
export type DevHubChange = { kind: 'put'; path: string; sha256: string } | { kind: 'delete'; path: string }

/** Extensions the hub's default `.gitattributes` stores in LFS (a subset of what huggingface.co writes). */
export const LFS_SUFFIXES = ['.tar.gz', '.tgz', '.gz', '.zip', '.bin', '.safetensors', '.pt', '.onnx', '.npz']

const GITATTRIBUTES = LFS_SUFFIXES.map((s) => `*${s} filter=lfs diff=lfs merge=lfs -text\n`).join('')

/** Repositories, their refs, and the content-addressed blobs every ref points into. */
export class DevHubRepos {
  readonly blobs = new Map<string, Uint8Array>()
  readonly #repos = new Map<string, Repo>()

  get(id: string): Repo | undefined {
    return this.#repos.get(id)
  }

  /** Public, ownerless, no commit history: the download side's fixtures (`DevHub.addFile`). */
  addFile(id: string, revision: string, path: string, body: Uint8Array): void {
    const repo = this.#repos.get(id) ?? this.#add(id, false)
    const tree = repo.trees.get(revision) ?? new Map<string, string>()
    tree.set(path, this.putBlob(body))
    repo.trees.set(revision, tree)
  }

  putBlob(body: Uint8Array): string {
    const sha = sha256(body)
    this.blobs.set(sha, body)
    return sha
  }

  /** Like the hub, a new repo starts with one commit holding `.gitattributes`, so uploads always have a parent. */
  create(id: string, isPrivate: boolean): Repo {
    const repo = this.#add(id, isPrivate)
    this.commit(id, 'main', { summary: 'initial commit' }, [
      { kind: 'put', path: '.gitattributes', sha256: this.putBlob(Buffer.from(GITATTRIBUTES)) },
    ])
    return repo
  }

  /** The tree a ref names, or why it does not resolve (the hub's 404 codes). */
  resolve(id: string, ref: string): { repo: Repo; tree: Tree; commit: string } {
    const repo = this.#repos.get(id)
    if (!repo) throw new HubReply(404, 'Repository not found', 'RepositoryNotFound')
    const tree = repo.trees.get(ref)
    if (!tree) throw new HubReply(404, 'Invalid rev id', 'RevisionNotFound')
    return { repo, tree, commit: repo.heads.get(ref) ?? ref }
  }

  /**
   * Applies `changes` on top of `branch` and returns the new commit oid. The oid is a SHA-1 over the parent,
   * the summary and the sorted tree (like git, minus author and time), so the same history gives the same oids.
   */
  commit(id: string, branch: string, header: { summary: string; parentCommit?: string }, changes: DevHubChange[]) {
    const repo = this.#repos.get(id)
    if (!repo) throw new HubReply(404, 'Repository not found', 'RepositoryNotFound')
    const parent = repo.heads.get(branch)
    if (header.parentCommit !== undefined && header.parentCommit !== parent) {
      throw new HubReply(412, 'A commit has happened since. Please refresh and try again.')
    }
    const tree = new Map(repo.trees.get(branch) ?? [])
    for (const change of changes) {
      if (change.kind === 'put') tree.set(change.path, change.sha256)
      else if (!tree.delete(change.path)) throw new HubReply(404, `${change.path} not found`, 'EntryNotFound')
    }
    const listing = [...tree].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    const text = [`parent ${parent ?? ''}`, `summary ${header.summary}`, ...listing.map(([p, s]) => `${s} ${p}`)]
    const oid = createHash('sha1').update(text.join('\n')).digest('hex')
    repo.trees.set(oid, tree)
    repo.trees.set(branch, new Map(tree))
    repo.heads.set(branch, oid)
    return oid
  }

  #add(id: string, isPrivate: boolean): Repo {
    const repo: Repo = { id, private: isPrivate, trees: new Map(), heads: new Map() }
    this.#repos.set(id, repo)
    return repo
  }
}

/** Which user a request's `Authorization` names, and what that user may touch. */
export class DevHubAuth {
  readonly #users = new Map<string, DevHubUser>()

  constructor(init: { token?: string; users?: Record<string, string | DevHubUser> }) {
    for (const [token, user] of Object.entries(init.users ?? {})) {
      this.#users.set(token, typeof user === 'string' ? { name: user } : user)
    }
    if (init.token !== undefined && !this.#users.has(init.token)) this.#users.set(init.token, { name: 'dev' })
  }

  /** The user of a `Bearer` token, or undefined when there is none or the token is unknown. */
  userOf(authorization: string | undefined): DevHubUser | undefined {
    const m = /^Bearer (.+)$/u.exec(authorization ?? '')
    return m ? this.#users.get(m[1] as string) : undefined
  }

  /** True when `user` is `namespace` or a member of it. */
  owns(user: DevHubUser, namespace: string): boolean {
    return user.name === namespace || (user.orgs ?? []).includes(namespace)
  }

  /** The user allowed to write to `namespace`; else the hub's 401 (no or unknown token) or 403. */
  writer(authorization: string | undefined, namespace: string): DevHubUser {
    const user = this.userOf(authorization)
    if (!user) throw new HubReply(401, 'Invalid credentials in Authorization header')
    if (user.role === 'read') throw new HubReply(403, 'This token has read access only; writes need a write token')
    if (!this.owns(user, namespace)) {
      throw new HubReply(403, `You don't have the rights to write to the namespace "${namespace}"`)
    }
    return user
  }

  /** Private repos answer 401 without a token and 404 (not 403) to strangers, so they cannot be probed. */
  checkRead(repo: { id: string; private: boolean }, authorization: string | undefined): void {
    if (!repo.private) return
    const user = this.userOf(authorization)
    if (!user) throw new HubReply(401, 'Invalid credentials in Authorization header')
    if (!this.owns(user, repo.id.split('/')[0] as string)) {
      throw new HubReply(404, 'Repository not found', 'RepositoryNotFound')
    }
  }
}
