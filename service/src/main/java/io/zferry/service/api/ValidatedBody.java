package io.zferry.service.api;

/**
 * A request body that checks itself after it was read, for rules that span fields or need more than
 * a record's constructor can say. A record's constructor may also throw {@link
 * IllegalArgumentException}; both answer 400 with the message.
 */
public interface ValidatedBody {
  /**
   * @throws ApiProblem (usually {@link ApiProblem#badRequest}) if the body cannot be acted on
   */
  void validate();
}
