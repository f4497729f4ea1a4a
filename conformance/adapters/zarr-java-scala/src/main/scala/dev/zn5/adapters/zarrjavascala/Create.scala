package dev.zn5.adapters.zarrjavascala

import java.math.BigInteger
import java.nio.{ByteBuffer, ByteOrder}
import java.util.{HexFormat, Locale}

import com.fasterxml.jackson.databind.JsonNode
import com.scalableminds.bloscjava.Blosc
import dev.zarr.zarrjava.core.Attributes
import dev.zarr.zarrjava.core.chunkkeyencoding.Separator
import dev.zarr.zarrjava.core.codec.core.BytesCodec.Endian
import dev.zarr.zarrjava.{v2, v3}
import dev.zarr.zarrjava.v3.codec.core._

import Json.Reading

/**
 * zarr-java metadata objects for a canonical node description (the target of a write case), the
 * inverse of [[Describe]]. What zarr-java has no way to express is a `Left` with the reason.
 */
object Create {

  type Built[A] = Either[String, A]

  def attributes(description: JsonNode): Attributes =
    new Attributes(Json.mapper.convertValue(description.get("attributes"), classOf[java.util.Map[String, AnyRef]]))

  private def enumConstant[E <: Enum[E]](values: Array[E], name: String, what: String): Built[E] =
    values.find(_.name == name.toUpperCase(Locale.ROOT)).toRight(s"zarr-java has no $what $name")

  private def separator(value: String): Built[Separator] =
    Separator.values.find(_.getValue == value).toRight(s"zarr-java has no separator $value")

  private def blosc(config: JsonNode): Built[(Blosc.Compressor, Blosc.Shuffle)] = for {
    cname   <- Option(Blosc.Compressor.fromString(config.text("/cname"))).toRight(s"zarr-java's blosc has no ${config.text("/cname")}")
    shuffle <- Describe.shuffles.collectFirst { case (value, name) if name == config.text("/shuffle") => value }
                 .toRight(s"zarr-java's blosc has no shuffle ${config.text("/shuffle")}")
  } yield (cname, shuffle)

  /** The fill value as the Java value zarr-java takes: the hex bytes read as the element; unsigned widened. */
  def fillValue(tagged: Option[JsonNode], dataType: String): AnyRef = tagged.map { node =>
    val in = ByteBuffer.wrap(HexFormat.of().parseHex(node.text("/hex"))).order(ByteOrder.LITTLE_ENDIAN)
    dataType match {
      case "bool"    => java.lang.Boolean.valueOf(in.get != 0)
      case "int8"    => java.lang.Byte.valueOf(in.get)
      case "uint8"   => Integer.valueOf(java.lang.Byte.toUnsignedInt(in.get))
      case "int16"   => java.lang.Short.valueOf(in.getShort)
      case "uint16"  => Integer.valueOf(java.lang.Short.toUnsignedInt(in.getShort))
      case "int32"   => Integer.valueOf(in.getInt)
      case "uint32"  => java.lang.Long.valueOf(Integer.toUnsignedLong(in.getInt))
      case "int64"   => java.lang.Long.valueOf(in.getLong)
      case "uint64"  => new BigInteger(java.lang.Long.toUnsignedString(in.getLong))
      case "float32" => java.lang.Float.valueOf(in.getFloat)
      case "float64" => java.lang.Double.valueOf(in.getDouble)
      case other     => throw new IllegalArgumentException(s"no fill value conversion for $other")
    }
  }.orNull

  private def sequence[A](items: Seq[Built[A]]): Built[Seq[A]] =
    items.foldRight[Built[Seq[A]]](Right(Nil))((item, rest) => for (a <- item; tail <- rest) yield a +: tail)

  def v3Codecs(chain: Seq[JsonNode]): Built[Array[v3.codec.Codec]] = sequence(chain.map { codec =>
    val config = codec.get("configuration")
    codec.text("/name") match {
      case "bytes" =>
        Right(config.opt("/endian").fold(new BytesCodec())(e => new BytesCodec(if (e.asText == "big") Endian.BIG else Endian.LITTLE)))
      case "transpose" => Right(new TransposeCodec(new TransposeCodec.Configuration(config.get("order").ints)))
      case "blosc" => blosc(config).map { case (cname, shuffle) =>
        new BloscCodec(new BloscCodec.Configuration(cname, shuffle, config.get("clevel").asInt,
          config.path("typesize").asInt(0), config.path("blocksize").asInt(0)))
      }
      case "gzip"   => Right(new GzipCodec(new GzipCodec.Configuration(config.get("level").asInt)))
      case "zstd"   => Right(new ZstdCodec(new ZstdCodec.Configuration(config.get("level").asInt, config.get("checksum").asBoolean)))
      case "crc32c" => Right(new Crc32cCodec())
      case "sharding_indexed" => for {
        inner <- v3Codecs(config.get("codecs").items)
        index <- v3Codecs(config.get("index_codecs").items)
      } yield new ShardingIndexedCodec(new ShardingIndexedCodec.Configuration(
        config.get("chunk_shape").ints, inner, index, config.text("/index_location")))
      case other => Left(s"zarr-java has no Zarr v3 codec $other")
    }
  }).map(_.toArray)

  def v3Array(description: JsonNode): Built[v3.ArrayMetadata] = for {
    dataType  <- enumConstant(v3.DataType.values, description.text("/data_type"), "Zarr v3 data type")
    codecs    <- v3Codecs(description.get("codecs").items)
    separator <- separator(description.text("/chunk_key_encoding/separator"))
    keyed     <- description.text("/chunk_key_encoding/name") match {
                   case "default" => Right((b: v3.ArrayMetadataBuilder) => b.withDefaultChunkKeyEncoding(separator))
                   case "v2"      => Right((b: v3.ArrayMetadataBuilder) => b.withV2ChunkKeyEncoding(separator))
                   case other     => Left(s"zarr-java has no chunk key encoding $other")
                 }
  } yield {
    val builder = keyed(v3.Array.metadataBuilder()
      .withShape(description.get("shape").longs: _*)
      .withDataType(dataType)
      .withChunkShape(description.at("/chunk_grid/chunk_shape").ints: _*)
      .withFillValue(fillValue(description.opt("/fill_value"), description.text("/data_type")))
      .withCodecs(codecs: _*)
      .withAttributes(attributes(description)))
    description.opt("/dimension_names")
      .map(names => names.items.map(name => if (name.isNull) null else name.asText))
      .fold(builder)(names => builder.withDimensionNames(names: _*))
      .build()
  }

  def v2Array(description: JsonNode): Built[v2.ArrayMetadata] = {
    val ndim = description.get("shape").size
    val chain = description.get("codecs").items.toList
    val reversing = (ndim - 1 to 0 by -1).toSeq
    val (order, rest) = chain match {
      case transpose :: tail if transpose.text("/name") == "transpose" =>
        (if (transpose.at("/configuration/order").ints.toSeq == reversing) Right(v2.Order.F)
         else Left("a Zarr v2 array has no transpose other than order F"), tail)
      case _ => (Right(v2.Order.C), chain)
    }
    val compressor: Built[Option[v2.codec.Codec]] = rest match {
      case bytes :: _ if bytes.text("/name") != "bytes" => Left("zarr-java has no Zarr v2 array filters")
      case bytes :: _ if bytes.at("/configuration/endian").asText("little") == "big" =>
        Left("zarr-java has no big-endian Zarr v2 data types")
      case _ :: Nil => Right(None)
      case _ :: single :: Nil =>
        val config = single.get("configuration")
        single.text("/name") match {
          case "blosc" => blosc(config).map { case (cname, shuffle) =>
            Some(new v2.codec.core.BloscCodec(cname, shuffle, config.get("clevel").asInt,
              config.path("typesize").asInt(0), config.path("blocksize").asInt(0)))
          }
          case "numcodecs.zlib" => Right(Some(new v2.codec.core.ZlibCodec(config.get("level").asInt)))
          case other            => Left(s"zarr-java has no Zarr v2 compressor for $other")
        }
      case _ => Left("zarr-java writes no Zarr v2 filters, only a compressor")
    }
    for {
      order      <- order
      compressor <- compressor
      dataType   <- enumConstant(v2.DataType.values, description.text("/data_type"), "Zarr v2 data type")
      separator  <- separator(description.text("/chunk_key_encoding/separator"))
      _          <- Either.cond(description.text("/chunk_key_encoding/name") == "v2", (), "a Zarr v2 array has only the v2 chunk key encoding")
    } yield {
      val builder = v2.Array.metadataBuilder()
        .withShape(description.get("shape").longs: _*)
        .withChunks(description.at("/chunk_grid/chunk_shape").ints: _*)
        .withDataType(dataType)
        .withOrder(order)
        .withFillValue(fillValue(description.opt("/fill_value"), description.text("/data_type")))
        .withDimensionSeparator(separator)
        .withAttributes(attributes(description))
      compressor.fold(builder)(builder.withCompressor).build()
    }
  }
}
