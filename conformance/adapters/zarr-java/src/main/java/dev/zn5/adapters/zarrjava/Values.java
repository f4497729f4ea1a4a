package dev.zn5.adapters.zarrjava;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.BiConsumer;

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
        Element element = Element.of(dataType);
        ucar.ma2.IndexIterator it = array.getIndexIterator();
        while (it.hasNext()) {
            element.put.accept(out, it);
        }
        return out.array();
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
        Element element = Element.of(dataType);
        ucar.ma2.IndexIterator it = array.getIndexIterator();
        while (it.hasNext()) {
            element.take.accept(in, it);
        }
        return array;
    }

    /** How one element of a Java primitive type moves between little-endian bytes and a ucar.ma2 iterator. */
    private enum Element {
        BOOLEAN((out, it) -> out.put((byte) (it.getBooleanNext() ? 1 : 0)), (in, it) -> it.setBooleanNext(in.get() != 0)),
        BYTE((out, it) -> out.put(it.getByteNext()), (in, it) -> it.setByteNext(in.get())),
        SHORT((out, it) -> out.putShort(it.getShortNext()), (in, it) -> it.setShortNext(in.getShort())),
        INT((out, it) -> out.putInt(it.getIntNext()), (in, it) -> it.setIntNext(in.getInt())),
        LONG((out, it) -> out.putLong(it.getLongNext()), (in, it) -> it.setLongNext(in.getLong())),
        FLOAT((out, it) -> out.putFloat(it.getFloatNext()), (in, it) -> it.setFloatNext(in.getFloat())),
        DOUBLE((out, it) -> out.putDouble(it.getDoubleNext()), (in, it) -> it.setDoubleNext(in.getDouble()));

        /** The next element of the iterator onto the buffer. */
        final BiConsumer<ByteBuffer, ucar.ma2.IndexIterator> put;
        /** The next element of the buffer into the iterator. */
        final BiConsumer<ByteBuffer, ucar.ma2.IndexIterator> take;

        Element(BiConsumer<ByteBuffer, ucar.ma2.IndexIterator> put, BiConsumer<ByteBuffer, ucar.ma2.IndexIterator> take) {
            this.put = put;
            this.take = take;
        }

        /** The element of a canonical data type (unsigned types travel in their signed Java type's bits). */
        static Element of(String dataType) {
            switch (dataType) {
                case "bool": return BOOLEAN;
                case "int8": case "uint8": return BYTE;
                case "int16": case "uint16": return SHORT;
                case "int32": case "uint32": return INT;
                case "int64": case "uint64": return LONG;
                case "float32": return FLOAT;
                case "float64": return DOUBLE;
                default: throw new IllegalArgumentException("cannot convert data type " + dataType);
            }
        }
    }
}
