import type { ClientBase } from 'pg';
import { quoteIdentifier } from '../sql-identifier.js';

/** Statement keyword of each relation kind that has an owner of its own. */
const RELATION_KEYWORDS: Readonly<Record<string, string>> = {
  r: 'TABLE',
  p: 'TABLE',
  v: 'VIEW',
  m: 'MATERIALIZED VIEW',
  S: 'SEQUENCE',
  f: 'FOREIGN TABLE',
};
/** `ALTER DEFAULT PRIVILEGES … ON <kind>` of each `pg_default_acl.defaclobjtype`. */
const DEFAULT_ACL_KINDS: Readonly<Record<string, string>> = { r: 'TABLES', S: 'SEQUENCES', f: 'FUNCTIONS', T: 'TYPES' };

/**
 * Makes `role` the owner of everything in `schema` it does not own yet: relations (a sequence
 * that belongs to a column follows its table), routines and stand-alone types. Names come from the
 * catalog and are quoted (`regprocedure`/`regtype` text is quoted by PostgreSQL itself).
 *
 * @returns how many objects changed owner.
 */
export async function transferSchemaObjects(client: ClientBase, schema: string, role: string): Promise<number> {
  const to = quoteIdentifier(role);
  const relations = await client.query<{ name: string; kind: string }>(
    `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c
      WHERE c.relnamespace = to_regnamespace($1) AND c.relkind IN ('r','p','v','m','S','f') AND c.relowner <> to_regrole($2)
        AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                 AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a','i')))
      ORDER BY c.relkind <> 'p', c.relname`,
    [quoteIdentifier(schema), quoteIdentifier(role)],
  );
  for (const { name, kind } of relations.rows)
    await client.query(
      `ALTER ${RELATION_KEYWORDS[kind]} ${quoteIdentifier(schema)}.${quoteIdentifier(name)} OWNER TO ${to}`,
    );
  const routines = await client.query<{ signature: string; kind: string }>(
    `SELECT p.oid::regprocedure::text AS signature, p.prokind AS kind FROM pg_proc p
      WHERE p.pronamespace = to_regnamespace($1) AND p.proowner <> to_regrole($2)`,
    [quoteIdentifier(schema), quoteIdentifier(role)],
  );
  for (const { signature, kind } of routines.rows)
    await client.query(`ALTER ${kind === 'a' ? 'AGGREGATE' : 'ROUTINE'} ${signature} OWNER TO ${to}`);
  const types = await client.query<{ name: string; kind: string }>(
    `SELECT t.oid::regtype::text AS name, t.typtype AS kind FROM pg_type t
      WHERE t.typnamespace = to_regnamespace($1) AND t.typowner <> to_regrole($2)
        AND (t.typtype IN ('e','d','r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))`,
    [quoteIdentifier(schema), quoteIdentifier(role)],
  );
  for (const { name, kind } of types.rows)
    await client.query(`ALTER ${kind === 'd' ? 'DOMAIN' : 'TYPE'} ${name} OWNER TO ${to}`);
  return relations.rows.length + routines.rows.length + types.rows.length;
}

/**
 * Takes back every privilege another role (or PUBLIC) holds on `schema` and on the tables,
 * sequences and routines in it, and every default privilege that would hand new objects in it to
 * another role, so that only `role` (and superusers) can use it.
 *
 * @returns the roles privileges were taken from (`PUBLIC` for everyone), sorted.
 */
export async function revokeOthers(client: ClientBase, schema: string, role: string): Promise<string[]> {
  const { rows } = await client.query<{ grantee: string }>(
    `WITH acl AS (
       SELECT (aclexplode(nspacl)).grantee FROM pg_namespace WHERE oid = to_regnamespace($1)
       UNION SELECT (aclexplode(relacl)).grantee FROM pg_class WHERE relnamespace = to_regnamespace($1)
       UNION SELECT (aclexplode(proacl)).grantee FROM pg_proc WHERE pronamespace = to_regnamespace($1))
     SELECT DISTINCT CASE WHEN grantee = 0 THEN 'PUBLIC' ELSE grantee::regrole::text END AS grantee
       FROM acl WHERE grantee <> to_regrole($2) ORDER BY 1`,
    [quoteIdentifier(schema), quoteIdentifier(role)],
  );
  const on = quoteIdentifier(schema);
  // regrole text is already quoted where needed; PUBLIC is the keyword.
  for (const { grantee } of rows) {
    await client.query(`REVOKE ALL ON SCHEMA ${on} FROM ${grantee}`);
    for (const kind of ['TABLES', 'SEQUENCES', 'ROUTINES'])
      await client.query(`REVOKE ALL ON ALL ${kind} IN SCHEMA ${on} FROM ${grantee}`);
  }
  const defaults = await client.query<{ owner: string; kind: string; grantee: string }>(
    `SELECT d.defaclrole::regrole::text AS owner, d.defaclobjtype AS kind,
            CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END AS grantee
       FROM pg_default_acl d, aclexplode(d.defaclacl) a
      WHERE d.defaclnamespace = to_regnamespace($1) AND a.grantee <> d.defaclrole`,
    [quoteIdentifier(schema)],
  );
  for (const { owner, kind, grantee } of defaults.rows) {
    const objects = DEFAULT_ACL_KINDS[kind];
    if (objects)
      await client.query(
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${on} REVOKE ALL ON ${objects} FROM ${grantee}`,
      );
  }
  // What the module's role creates later: no EXECUTE or USAGE for PUBLIC by default either.
  const from = quoteIdentifier(role);
  await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${from} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC`);
  await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${from} REVOKE USAGE ON TYPES FROM PUBLIC`);
  return [
    ...new Set([...rows.map(({ grantee }) => grantee), ...defaults.rows.map(({ grantee }) => grantee)]),
  ].toSorted();
}
