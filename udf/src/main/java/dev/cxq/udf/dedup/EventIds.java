package dev.cxq.udf.dedup;

import java.util.Arrays;

/**
 * The interaction and recording event ids a session has seen, as a byte array kept in the session's
 * state: per id a 48-bit hash of its identity ({@link EventIdentity}) and a 32-bit hash of its
 * first delivery's content, 10 bytes, sorted by id hash. A session sends a handful of such events,
 * so a few bytes in a value the session has anyway replace one state entry per id (about 52 bytes
 * each with its key, {@code docs/dedup.md}).
 *
 * <p>Two ids of one session are taken for one when their 48-bit hashes agree: with n ids in a
 * session that happens with probability about n² / 2⁴⁹ (10⁻¹³ for four ids).
 *
 * <p>Once a session has ended, its ids are kept without their content hash, 6 bytes each, sorted
 * (an id list): a copy of an ended run's event is dropped unchecked, and the 4 bytes an id saves
 * are most of the record an ended session keeps for the retention ({@code docs/dedup.md}).
 */
public final class EventIds {

    /** Bytes per id: the identity hash, then the content hash. */
    static final int ENTRY_BYTES = 10;

    private static final int ID_BYTES = 6;
    private static final long ID_MASK = (1L << 48) - 1;

    private EventIds() {}

    /** The 48 bits of a 64-bit identity hash that a record keeps. */
    public static long idBits(long identityHash) {
        return identityHash & ID_MASK;
    }

    /** The 32 bits of a 64-bit content hash that a record keeps. */
    public static int contentBits(long contentHash) {
        return (int) (contentHash ^ (contentHash >>> 32));
    }

    /** The number of ids in {@code record} (null: none). */
    public static int size(byte[] record) {
        return record == null ? 0 : record.length / ENTRY_BYTES;
    }

    /**
     * The content bits kept for {@code id} in {@code record}, or {@code null} when the record does
     * not hold it.
     */
    public static Integer content(byte[] record, long id) {
        int at = find(record, id);
        return at < 0 ? null : readInt(record, at * ENTRY_BYTES + ID_BYTES);
    }

    /** {@code record} with {@code id} added (a new array; {@code record} may be null). */
    public static byte[] with(byte[] record, long id, int content) {
        int at = find(record, id);
        if (at >= 0) {
            throw new IllegalArgumentException("id already recorded");
        }
        int insert = -at - 1;
        int size = size(record);
        byte[] out = new byte[(size + 1) * ENTRY_BYTES];
        if (record != null) {
            System.arraycopy(record, 0, out, 0, insert * ENTRY_BYTES);
            System.arraycopy(
                    record,
                    insert * ENTRY_BYTES,
                    out,
                    (insert + 1) * ENTRY_BYTES,
                    (size - insert) * ENTRY_BYTES);
        }
        int offset = insert * ENTRY_BYTES;
        writeId(out, offset, id);
        for (int i = 0; i < 4; i++) {
            out[offset + ID_BYTES + i] = (byte) (content >>> (8 * (3 - i)));
        }
        return out;
    }

    /** The number of ids in {@code idList} (null: none). */
    public static int idListSize(byte[] idList) {
        return idList == null ? 0 : idList.length / ID_BYTES;
    }

    /** Whether {@code idList} holds {@code id}. */
    public static boolean idListContains(byte[] idList, long id) {
        return find(idList, ID_BYTES, id) >= 0;
    }

    /**
     * The ids of {@code idList} and of {@code record}, without their content, as an id list (a new
     * array; either may be null; null when both hold none).
     */
    public static byte[] idListWith(byte[] idList, byte[] record) {
        int listed = idListSize(idList);
        int added = size(record);
        if (listed + added == 0) {
            return null;
        }
        byte[] out = new byte[(listed + added) * ID_BYTES];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < listed || j < added) {
            long fromList = i < listed ? readId(idList, i * ID_BYTES) : Long.MAX_VALUE;
            long fromRecord = j < added ? readId(record, j * ENTRY_BYTES) : Long.MAX_VALUE;
            long id = Math.min(fromList, fromRecord);
            i += fromList == id ? 1 : 0;
            j += fromRecord == id ? 1 : 0;
            writeId(out, n++ * ID_BYTES, id);
        }
        return n * ID_BYTES == out.length ? out : Arrays.copyOf(out, n * ID_BYTES);
    }

    /** Binary search in a record: the entry's index, or {@code -(insertion point) - 1}. */
    private static int find(byte[] record, long id) {
        return find(record, ENTRY_BYTES, id);
    }

    /** Binary search over entries of {@code entryBytes}, each led by its id. */
    private static int find(byte[] entries, int entryBytes, long id) {
        int low = 0;
        int high = (entries == null ? 0 : entries.length / entryBytes) - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            long found = readId(entries, mid * entryBytes);
            if (found < id) {
                low = mid + 1;
            } else if (found > id) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -(low + 1);
    }

    private static void writeId(byte[] out, int offset, long id) {
        for (int i = 0; i < ID_BYTES; i++) {
            out[offset + i] = (byte) (id >>> (8 * (ID_BYTES - 1 - i)));
        }
    }

    private static long readId(byte[] record, int offset) {
        long id = 0;
        for (int i = 0; i < ID_BYTES; i++) {
            id = (id << 8) | (record[offset + i] & 0xFF);
        }
        return id;
    }

    private static int readInt(byte[] record, int offset) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            value = (value << 8) | (record[offset + i] & 0xFF);
        }
        return value;
    }
}
