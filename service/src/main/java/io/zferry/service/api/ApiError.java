package io.zferry.service.api;

import java.util.Objects;

/**
 * The JSON body of every error answer of the API, whatever its status: what went wrong and what to
 * do about it, both meant for a person.
 */
public record ApiError(String error, String fix) {
  public ApiError {
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(fix, "fix");
  }
}
