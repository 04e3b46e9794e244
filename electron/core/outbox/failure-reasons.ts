// "Failures by reason" groups jobs by what went wrong, not by which file: a reason that names its
// file ("check what wrote "call-7.wav"") is grouped with the same reason for every other file.
// One SQL expression serves both the grouping and the queue filter that opens those jobs, so
// the count on the dashboard and the rows behind it can never disagree.

/** The reason of a jobs row with its own path and file name replaced by "…". */
export const failureReasonSql =
  "replace(replace(COALESCE(last_error, 'no reason recorded'), path, '…'), file_name, '…')";
