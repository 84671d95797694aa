package io.zferry.service.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The JSON settings of both ends of the API. */
final class ApiJson {
  private ApiJson() {}

  /**
   * What the server writes (indented, for people reading {@code zferry status --json} or curl) and
   * how it reads request bodies: strictly, so that a misspelled field is an error rather than a
   * setting silently left out.
   */
  static ObjectMapper server() {
    return new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /**
   * How clients read answers: fields they do not know are ignored, so that a newer daemon can add
   * some without breaking an older CLI or peer.
   */
  static ObjectMapper client() {
    return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }
}
