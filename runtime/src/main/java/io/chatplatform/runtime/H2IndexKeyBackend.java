package io.chatplatform.runtime;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ObjectDataType;

/**
 * mongo-java-server's H2 backend with unique indexes whose keys H2 compares field by field.
 *
 * <p>Why: the stock backend keeps each unique index (every collection's {@code _id}, and ours
 * such as {@code clientKey}) in an H2 map whose key type is generic, so H2 compares two keys by
 * Java-serializing both. Every step of every B-tree search did that: under load it was ~85 % of
 * the embedded store's CPU (JFR, {@code ObjectDataType.serialize} under {@code Page.binarySearch})
 * and capped the embedded platform at a few hundred stored messages a second. Here a key is
 * compared value by value with H2's own comparison of each value (native for strings and
 * numbers), which keeps the same equality: two keys are equal exactly when all their values are.
 *
 * <p>These indexes live in maps of their own name ({@value #INDEX_MAP_INFIX}). A file written by
 * the stock backend has its index maps under another name: they are dropped on open, and
 * mongo-java-server rebuilds an empty index from the collection's documents when it opens it,
 * so an existing data file is upgraded in place and keeps every document.
 */
final class H2IndexKeyBackend extends H2Backend {
  static final String INDEX_MAP_INFIX = "._keyindex_";
  private static final String STOCK_INDEX_MAP_INFIX = "._index_";

  H2IndexKeyBackend(MVStore store) {
    super(store);
  }

  @Override
  protected MongoDatabase openOrCreateDatabase(String databaseName) {
    return new Database(databaseName, getMvStore(), getCursorRegistry());
  }

  private static final class Database extends H2Database {
    private final MVStore store;

    Database(String name, MVStore store, CursorRegistry cursors) {
      super(name, store, cursors);
      this.store = store;
      super.initializeNamespacesAndIndexes();
    }

    /** H2Database calls this from its constructor, before {@link #store} is set: run it after. */
    @Override
    protected void initializeNamespacesAndIndexes() {
      if (store != null) {
        super.initializeNamespacesAndIndexes();
      }
    }

    @Override
    protected Index<Object> openOrCreateUniqueIndex(
        String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
      String stockName = getFullCollectionNamespace(collectionName) + STOCK_INDEX_MAP_INFIX + indexName;
      if (store.hasMap(stockName)) {
        store.removeMap(stockName);
      }
      MVMap<KeyValue, Object> map =
          store.openMap(mapName(collectionName, indexName), new MVMap.Builder<KeyValue, Object>().keyType(new IndexKeyType()));
      return new UniqueIndex(map, indexName, keys, sparse);
    }

    @Override
    protected void dropIndex(MongoCollection<Object> collection, String indexName) {
      super.dropIndex(collection, indexName);
      String name = mapName(collection.getCollectionName(), indexName);
      if (store.hasMap(name)) {
        store.removeMap(name);
      }
    }

    private String mapName(String collectionName, String indexName) {
      return getFullCollectionNamespace(collectionName) + INDEX_MAP_INFIX + indexName;
    }
  }

  /**
   * Keys compared value by value; anything else as H2 compares it. Stored as before. One per map:
   * H2's ObjectDataType caches the last type it saw, so it is not shared.
   */
  static final class IndexKeyType extends ObjectDataType {

    @Override
    public int compare(Object a, Object b) {
      if (a instanceof KeyValue left && b instanceof KeyValue right) {
        int common = Math.min(left.size(), right.size());
        for (int i = 0; i < common; i++) {
          int byValue = super.compare(left.get(i), right.get(i));
          if (byValue != 0) {
            return byValue;
          }
        }
        return Integer.compare(left.size(), right.size());
      }
      return super.compare(a, b);
    }
  }

  private static final class UniqueIndex extends AbstractUniqueIndex<Object> {
    private final MVMap<KeyValue, Object> map;

    UniqueIndex(MVMap<KeyValue, Object> map, String name, List<IndexKey> keys, boolean sparse) {
      super(name, keys, sparse);
      this.map = map;
    }

    @Override
    protected Object removeDocument(KeyValue key) {
      return map.remove(key);
    }

    @Override
    protected boolean putKeyPosition(KeyValue key, Object position) {
      return map.putIfAbsent(key, Missing.ofNullable(position)) == null;
    }

    @Override
    protected Iterable<Map.Entry<KeyValue, Object>> getIterable() {
      return map.entrySet();
    }

    @Override
    protected Object getPosition(KeyValue key) {
      return map.get(key);
    }

    @Override
    public long getCount() {
      return map.sizeAsLong();
    }

    @Override
    public boolean isEmpty() {
      return map.isEmpty();
    }

    @Override
    public long getDataSize() {
      return getCount();
    }
  }
}
