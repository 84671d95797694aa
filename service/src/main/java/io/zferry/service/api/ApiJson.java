package io.zferry.service.api;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

/** The JSON settings of both ends of the API. */
final class ApiJson {
  private ApiJson() {}

  /**
   * What the server writes (indented, for people reading {@code zferry status --json} or curl) and
   * how it reads request bodies: strictly, so that a misspelled field is an error rather than a
   * setting silently left out.
   */
  static ObjectMapper server() {
    ObjectMapper mapper =
        JsonMapper.builder()
            // A key given twice is refused rather than the last one silently winning.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // No type confusion: 5 is not the text "5", "true" and 1 are not true.
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    return mapper;
  }

  /**
   * How clients read answers: fields they do not know are ignored, so that a newer daemon can add
   * some without breaking an older CLI or peer.
   */
  static ObjectMapper client() {
    return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }
}
