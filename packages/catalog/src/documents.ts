/**
 * Amazon DocumentDB (MongoDB API): the menu's documents, read and written through the official `mongodb` driver.
 * `Resource.MenuDocuments` carries `url`, `host`, `port` and `database`; locally the URL points at the MongoDB-wire
 * stand-in of `packages/local` (or at `MONGODB_URL` when set).
 *
 * The database is `menu` (the Menu service's bounded context owns it; the cluster could host other contexts'
 * databases beside it) and the collection `menu_configs`.
 */
export const documentDatabase = {
  resource: "MenuDocuments",
  port: 27017,
  database: "menu",
  /** The menu items (one document per sku) and the stores' metadata beside them. */
  collections: { menuConfigs: "menu_configs", stores: "stores" },
  /**
   * What a DocumentDB cluster requires of a client, besides TLS with the RDS CA bundle: it is a replica set named
   * rs0, reads may go to replicas, and it has no retryable writes (the driver's default would fail every write).
   */
  connectionOptions: { replicaSet: "rs0", readPreference: "secondaryPreferred", retryWrites: "false" },
} as const;

export type DocumentCollectionKey = keyof typeof documentDatabase.collections;
