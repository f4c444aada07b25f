import { stat } from 'node:fs/promises';
import { AppError } from '../errors/app-error';
import { ErrorCode } from '../errors/error-codes';

/** Size of a file a person named, with a missing or unreadable one reported as their mistake rather than a crash. */
export async function inputFileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new AppError(ErrorCode.BAD_USER_INPUT, `${file} is not a file`, { file });
    return info.size;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(ErrorCode.BAD_USER_INPUT, `cannot read ${file}: ${(err as Error).message}`, { file });
  }
}
