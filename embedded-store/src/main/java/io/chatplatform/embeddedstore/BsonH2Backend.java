package io.chatplatform.embeddedstore;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

/**
 * mongo-java-server's H2 backend with nothing Java-serialized: documents are stored as BSON, and
 * unique-index keys as their own values, which H2 compares value by value. (It was called
 * {@code H2IndexKeyBackend} when it changed only the index keys.)
 *
 * <p>Why: the stock backend keeps each unique index (every collection's {@code _id}, and ours
 * such as {@code clientKey}) in an H2 map whose key type is generic, so H2 compares two keys by
 * Java-serializing both. Every step of every B-tree search did that: under load it was ~85 % of
 * the embedded store's CPU (JFR, {@code ObjectDataType.serialize} under {@code Page.binarySearch})
 * and capped the embedded platform at a few hundred stored messages a second. Here a key is
 * compared value by value with H2's own comparison of each value (native for strings and
 * numbers), which keeps the same equality: two keys are equal exactly when all their values are.
 *
 * <p>Documents are stored as BSON instead of Java serialization, for the same reason: H2
 * rewrites a whole B-tree page when one of its documents changes, and serializing each of them
 * with an {@code ObjectOutputStream} was most of what remained (JFR: the H2 serialization thread).
 *
 * <p>These indexes live in maps of their own name ({@value #INDEX_MAP_INFIX}). A file written by
 * the stock backend has its index maps under another name: they are dropped on open, and
 * mongo-java-server rebuilds an empty index from the collection's documents when it opens it,
 * so an existing data file is upgraded in place and keeps every document. Documents it wrote
 * are read as they are and rewritten as BSON when their page is next written.
 */
final class BsonH2Backend extends H2Backend {
  static final String INDEX_MAP_INFIX = "._keyindex_";
  /** The stock backend's names of a collection's document and metadata maps, kept as they are. */
  private static final String DATA_MAP_PREFIX = "databases.";
  private static final String META_MAP_PREFIX = "meta.";
  private static final String STOCK_INDEX_MAP_INFIX = "._index_";

  BsonH2Backend(MVStore store) {
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

    /** The stock collection, with its documents stored as BSON ({@link DocumentValueType}). */
    @Override
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
      String namespace = getFullCollectionNamespace(collectionName);
      MVMap<Object, Document> documents =
          store.openMap(DATA_MAP_PREFIX + namespace, new MVMap.Builder<Object, Document>().valueType(new DocumentValueType()));
      MVMap<String, Object> meta = store.openMap(META_MAP_PREFIX + namespace);
      return new H2Collection(this, collectionName, options, documents, meta, cursorRegistry);
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
   * Index keys compared value by value, each value as H2 compares it, and stored as their values
   * behind a tag of their own rather than Java-serialized. One per map: H2's ObjectDataType
   * caches the last type it saw, so it is not shared.
   */
  static final class IndexKeyType extends ObjectDataType {
    /** Beyond the tags H2's ObjectDataType uses (up to 119) and {@link DocumentValueType}'s. */
    static final byte TAG_KEY_VALUE = 121;
    /** A KeyValue and its list, on the heap. */
    private static final int KEY_VALUE_OVERHEAD = 64;

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

    @Override
    public void write(WriteBuffer buffer, Object key) {
      if (!(key instanceof KeyValue values) || !storesNatively(values)) {
        super.write(buffer, key);
        return;
      }
      buffer.put(TAG_KEY_VALUE).putVarInt(values.size());
      values.forEach(value -> super.write(buffer, value));
    }

    @Override
    public Object read(ByteBuffer buffer) {
      if (!takeTag(buffer, TAG_KEY_VALUE)) {
        return super.read(buffer);
      }
      int size = DataUtils.readVarInt(buffer);
      List<Object> values = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        values.add(super.read(buffer));
      }
      return new KeyValue(values);
    }

    /**
     * H2's estimate for an unknown class is the running average size of what it serialized,
     * which no longer passes through it: without this every key would count as 10 KB, splitting
     * pages to a key or two and committing all the time.
     */
    @Override
    public int getMemory(Object key) {
      if (!(key instanceof KeyValue values)) {
        return super.getMemory(key);
      }
      int memory = KEY_VALUE_OVERHEAD;
      for (Object value : values) {
        memory += super.getMemory(value);
      }
      return memory;
    }

    /** Values H2 writes and reads back as the same class (ids and keys are strings and numbers). */
    private static boolean storesNatively(KeyValue values) {
      for (Object value : values) {
        if (!(value instanceof String || value instanceof Integer || value instanceof Long
            || value instanceof Double || value instanceof Boolean)) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Documents stored as BSON with mongo-java-server's own codec (the wire format, so every
   * value a client can store round-trips), behind a tag of their own; anything else, and
   * documents a stock backend wrote (Java serialization), as H2 stores and reads them.
   */
  static final class DocumentValueType extends ObjectDataType {
    /** Beyond the tags H2's ObjectDataType uses (up to 119). */
    static final byte TAG_BSON_DOCUMENT = 120;
    /** Heap bytes a document takes per byte of its BSON, for H2's cache and commit sizing. */
    private static final int HEAP_PER_BSON_BYTE = 4;
    private volatile int averageBsonSize = 256;

    @Override
    public void write(WriteBuffer buffer, Object value) {
      if (!(value instanceof Document document)) {
        super.write(buffer, value);
        return;
      }
      ByteBuf bson = Unpooled.buffer(averageBsonSize * 2);
      try {
        BsonEncoder.encodeDocument(document, bson);
        int size = bson.readableBytes();
        averageBsonSize = (averageBsonSize * 15 + size) / 16;
        buffer.put(TAG_BSON_DOCUMENT).putVarInt(size).put(bson.array(), bson.arrayOffset() + bson.readerIndex(), size);
      } finally {
        bson.release();
      }
    }

    @Override
    public Object read(ByteBuffer buffer) {
      if (!takeTag(buffer, TAG_BSON_DOCUMENT)) {
        return super.read(buffer);
      }
      int size = DataUtils.readVarInt(buffer);
      ByteBuffer bson = buffer.slice();
      bson.limit(size);
      buffer.position(buffer.position() + size);
      return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bson));
    }

    @Override
    public int getMemory(Object value) {
      return value instanceof Document ? averageBsonSize * HEAP_PER_BSON_BYTE : super.getMemory(value);
    }
  }

  /** Consumes {@code tag} when it is the next byte; otherwise leaves the buffer for H2's own reader. */
  private static boolean takeTag(ByteBuffer buffer, byte tag) {
    if (buffer.get(buffer.position()) != tag) {
      return false;
    }
    buffer.get();
    return true;
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
