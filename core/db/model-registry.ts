import { EinthovenError } from '../errors';
import type { Db } from './database';

/** A model as the registry keeps it: identity, origin and the manifest as first seen. */
export interface ModelRegistration {
  /** The manifest id: name@first 12 hex digits of the weights' SHA-256. */
  readonly id: string;
  readonly name: string;
  readonly weightsSha256: string;
  readonly architecture: string;
  readonly classes: readonly string[];
  readonly demonstration: boolean;
  readonly origin: 'bundled' | 'user';
  readonly baseModelId: string | null;
  /** The package's manifest (JSON-serialisable). */
  readonly manifest: unknown;
}

export interface RegisteredModel extends ModelRegistration {
  readonly registeredAt: string;
}

interface RegistryRow {
  id: string;
  name: string;
  weights_sha256: string;
  architecture: string;
  classes: string;
  demonstration: number;
  origin: 'bundled' | 'user';
  base_model_id: string | null;
  manifest: string;
  registered_at: string;
}

const columns = 'id, name, weights_sha256, architecture, classes, demonstration, origin, base_model_id, manifest, registered_at';

function fromRow(row: RegistryRow): RegisteredModel {
  return {
    id: row.id,
    name: row.name,
    weightsSha256: row.weights_sha256,
    architecture: row.architecture,
    classes: JSON.parse(row.classes) as string[],
    demonstration: row.demonstration === 1,
    origin: row.origin,
    baseModelId: row.base_model_id,
    manifest: JSON.parse(row.manifest) as unknown,
    registeredAt: row.registered_at,
  };
}

/**
 * The models this workstation has used or trained (the regulatory "model registry"). Rows are
 * written once and never changed; predictions reference them, so a model that produced a stored
 * result cannot vanish from the record even when its package is deleted from disk.
 */
export class ModelRegistry {
  readonly #insert;
  readonly #get;
  readonly #all;

  constructor(db: Db) {
    this.#insert = db.prepare(`INSERT INTO model_registry (${columns})
      VALUES (@id, @name, @weightsSha256, @architecture, @classes, @demonstration, @origin, @baseModelId, @manifest, @registeredAt)
      ON CONFLICT (id) DO NOTHING`);
    this.#get = db.prepare(`SELECT ${columns} FROM model_registry WHERE id = ?`);
    this.#all = db.prepare(`SELECT ${columns} FROM model_registry ORDER BY registered_at, id`);
  }

  /**
   * Registers a model once; registering it again returns the first registration. The same id
   * with other weights would mean a forged or corrupted package: refused.
   */
  register(model: ModelRegistration): RegisteredModel {
    this.#insert.run({
      ...model,
      classes: JSON.stringify(model.classes),
      demonstration: model.demonstration ? 1 : 0,
      manifest: JSON.stringify(model.manifest),
      registeredAt: new Date().toISOString(),
    });
    const stored = this.get(model.id);
    if (!stored) throw new EinthovenError('E_INTERNAL', `model ${model.id} was not registered`);
    if (stored.weightsSha256 !== model.weightsSha256) {
      throw new EinthovenError('E_MODEL', `model ${model.id}: weights ${model.weightsSha256.slice(0, 12)}… differ from the registered ${stored.weightsSha256.slice(0, 12)}…; refusing a package that reuses another model's id`);
    }
    return stored;
  }

  get(id: string): RegisteredModel | undefined {
    const row = this.#get.get(id) as RegistryRow | undefined;
    return row && fromRow(row);
  }

  list(): RegisteredModel[] {
    return (this.#all.all() as RegistryRow[]).map(fromRow);
  }
}
