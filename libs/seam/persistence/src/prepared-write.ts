import type { EntityManager, ObjectLiteral, QueryRunner, Repository } from 'typeorm';

/** A column of an entity, as TypeORM describes it. */
export type ColumnMetadata = Repository<ObjectLiteral>['metadata']['columns'][number];

/**
 * The named parameters of a query being built, each holding a marker text for one slot of the
 * values a call gives, so that the built query's parameter list says which value goes to each
 * placeholder. Markers are text: SQLite's driver writes numbers into the SQL itself.
 */
export class ParameterSlots {
  readonly named: Record<string, string> = {};
  private readonly slotOf = new Map<string, number>();

  /** Names a parameter for `slot`; answers its placeholder in the builder's syntax (`:name`). */
  placeholder(name: string, slot: number): string {
    const marker = `\u0000seam-prepared-write:${slot}`;
    this.slotOf.set(marker, slot);
    this.named[name] = marker;
    return `:${name}`;
  }

  /**
   * The slot of each of a built query's parameters, in order.
   *
   * @throws Error when the query holds a parameter no placeholder set.
   */
  slotsOf(parameters: readonly unknown[], entity: string): number[] {
    return parameters.map((parameter) => {
      const slot = typeof parameter === 'string' ? this.slotOf.get(parameter) : undefined;
      if (slot === undefined) throw new Error(`Prepared write of ${entity}: the query has a parameter it did not set`);
      return slot;
    });
  }
}

/**
 * Runs a write in `manager`'s transaction if given (else on a connection of its own) and answers
 * how many rows it changed.
 *
 * @throws Error when the driver reports no count: it must not read as "no row matched".
 */
export async function runWrite(
  repository: Repository<ObjectLiteral>,
  sql: string,
  parameters: unknown[],
  manager?: EntityManager,
): Promise<number> {
  const given = manager?.queryRunner;
  const runner: QueryRunner = given ?? repository.manager.connection.createQueryRunner();
  try {
    const { affected } = await runner.query(sql, parameters, true);
    if (typeof affected !== 'number') throw new Error('The database driver did not report the rows a write changed');
    return affected;
  } finally {
    if (!given) await runner.release();
  }
}

/**
 * A plain column of `repository`'s entity by property name.
 *
 * @throws TypeError (naming `user`, the API refusing) for an unknown, relation or JSON column.
 */
export function plainColumn(repository: Repository<ObjectLiteral>, property: string, user: string): ColumnMetadata {
  const { metadata } = repository;
  const found = metadata.findColumnWithPropertyName(property);
  if (!found) throw new TypeError(`${user}: ${metadata.name} has no column "${property}"`);
  return checkedPlain(found, user);
}

/**
 * `column`, when it is plain: neither a relation nor JSON (both written differently by TypeORM).
 *
 * @throws TypeError naming `user`, the API refusing, otherwise.
 */
export function checkedPlain(column: ColumnMetadata, user: string): ColumnMetadata {
  if (column.relationMetadata || /json/.test(String(column.type)))
    throw new TypeError(`${user}: ${column.entityMetadata.name} column "${column.propertyName}" is a relation or JSON`);
  return column;
}
