package dev.zn5.adapters.zarrjava;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Values between the protocol's form (raw little-endian C-order bytes, which the adapter kit writes
 * and reads as array.json + array.bin) and ucar.ma2 arrays, the array type zarr-java reads into and
 * writes from.
 */
final class Values {

    private Values() {
    }

    /** The element size in bytes of a canonical data type that zarr-java has (bool, ints, floats). */
    static int itemSize(String dataType) {
        switch (dataType) {
            case "bool": case "int8": case "uint8": return 1;
            case "int16": case "uint16": return 2;
            case "int32": case "uint32": case "float32": return 4;
            case "int64": case "uint64": case "float64": return 8;
            default: throw new IllegalArgumentException("no element size for data type " + dataType);
        }
    }

    /** Every element of a ucar.ma2 array (any view, in logical C order) as little-endian bytes. */
    static byte[] toBytes(ucar.ma2.Array array, String dataType) {
        int size = itemSize(dataType);
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(array.getSize() * size)).order(ByteOrder.LITTLE_ENDIAN);
        ucar.ma2.IndexIterator it = array.getIndexIterator();
        while (it.hasNext()) {
            putNext(out, it, dataType);
        }
        return out.array();
    }

    private static void putNext(ByteBuffer out, ucar.ma2.IndexIterator it, String dataType) {
        switch (dataType) {
            case "bool": out.put((byte) (it.getBooleanNext() ? 1 : 0)); break;
            case "int8": case "uint8": out.put(it.getByteNext()); break;
            case "int16": case "uint16": out.putShort(it.getShortNext()); break;
            case "int32": case "uint32": out.putInt(it.getIntNext()); break;
            case "int64": case "uint64": out.putLong(it.getLongNext()); break;
            case "float32": out.putFloat(it.getFloatNext()); break;
            case "float64": out.putDouble(it.getDoubleNext()); break;
            default: throw new IllegalArgumentException("cannot convert data type " + dataType);
        }
    }

    /** A ucar.ma2 array of the given type and shape holding little-endian C-order bytes. */
    static ucar.ma2.Array fromBytes(byte[] raw, String dataType, int[] shape, ucar.ma2.DataType ma2Type) {
        ucar.ma2.Array array = ucar.ma2.Array.factory(ma2Type, shape);
        long expected = array.getSize() * itemSize(dataType);
        if (raw.length != expected) {
            throw new IllegalArgumentException(raw.length + " bytes cannot hold " + array.getSize()
                + " elements of " + dataType);
        }
        ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        ucar.ma2.IndexIterator it = array.getIndexIterator();
        while (it.hasNext()) {
            switch (dataType) {
                case "bool": it.setBooleanNext(in.get() != 0); break;
                case "int8": case "uint8": it.setByteNext(in.get()); break;
                case "int16": case "uint16": it.setShortNext(in.getShort()); break;
                case "int32": case "uint32": it.setIntNext(in.getInt()); break;
                case "int64": case "uint64": it.setLongNext(in.getLong()); break;
                case "float32": it.setFloatNext(in.getFloat()); break;
                case "float64": it.setDoubleNext(in.getDouble()); break;
                default: throw new IllegalArgumentException("cannot convert data type " + dataType);
            }
        }
        return array;
    }
}
