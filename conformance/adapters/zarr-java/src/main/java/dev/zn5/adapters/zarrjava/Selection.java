package dev.zn5.adapters.zarrjava;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A case selection (NumPy style: per axis an integer index or [start, stop, step]) as zarr-java can
 * read it: zarr-java reads one box (offset and shape), so the box spanning the selection is read and
 * the strides and integer indices are applied to the ucar.ma2 array it returns.
 */
final class Selection {

    final long[] offset;
    final int[] box;
    final long[] resultShape;
    private final int[] stride;
    private final boolean[] dropped;
    final boolean empty;

    private Selection(long[] offset, int[] box, int[] stride, boolean[] dropped, long[] resultShape, boolean empty) {
        this.offset = offset;
        this.box = box;
        this.stride = stride;
        this.dropped = dropped;
        this.resultShape = resultShape;
        this.empty = empty;
    }

    /** The selection of a case over an array of the given shape; null or missing selects everything. */
    static Selection of(JsonNode selection, long[] shape) {
        int ndim = shape.length;
        long[] offset = new long[ndim];
        int[] box = new int[ndim];
        int[] stride = new int[ndim];
        boolean[] dropped = new boolean[ndim];
        List<Long> resultShape = new ArrayList<>();
        boolean empty = false;
        boolean all = selection == null || selection.isNull();
        if (!all && selection.size() > ndim) {
            throw new IllegalArgumentException("selection has " + selection.size() + " axes, the array " + ndim);
        }
        for (int axis = 0; axis < ndim; axis++) {
            long length = shape[axis];
            JsonNode item = all || axis >= selection.size() ? null : selection.get(axis);
            long start;
            long count;
            long step = 1;
            if (item == null) {
                start = 0;
                count = length;
            } else if (item.isIntegralNumber()) {
                long index = item.asLong();
                start = index < 0 ? index + length : index;
                count = 1;
                dropped[axis] = true;
            } else {
                step = item.get(2).asLong();
                if (step <= 0) {
                    throw new IllegalArgumentException("only positive steps are supported, got " + step);
                }
                start = clamp(item.get(0).asLong(), length);
                long stop = clamp(item.get(1).asLong(), length);
                count = stop > start ? (stop - start + step - 1) / step : 0;
            }
            offset[axis] = start;
            stride[axis] = (int) step;
            box[axis] = Math.toIntExact(count == 0 ? 0 : (count - 1) * step + 1);
            if (count == 0) {
                empty = true;
            }
            if (!dropped[axis]) {
                resultShape.add(count);
            }
        }
        return new Selection(offset, box, stride, dropped, resultShape.stream().mapToLong(Long::longValue).toArray(),
            empty);
    }

    private static long clamp(long index, long length) {
        long value = index < 0 ? index + length : index;
        return Math.max(0, Math.min(length, value));
    }

    /** The box zarr-java read, with the strides and integer indices applied. */
    ucar.ma2.Array apply(ucar.ma2.Array boxValues) throws ucar.ma2.InvalidRangeException {
        List<ucar.ma2.Range> ranges = new ArrayList<>();
        for (int axis = 0; axis < box.length; axis++) {
            ranges.add(new ucar.ma2.Range(0, box[axis] - 1, stride[axis]));
        }
        ucar.ma2.Array selected = ranges.isEmpty() ? boxValues : boxValues.sectionNoReduce(ranges);
        for (int axis = box.length - 1; axis >= 0; axis--) {
            if (dropped[axis]) {
                selected = selected.reduce(axis);
            }
        }
        return selected;
    }
}
