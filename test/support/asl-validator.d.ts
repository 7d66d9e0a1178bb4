// Types for asl-validator 4, which ships none.
declare module 'asl-validator' {
  interface Result {
    isValid: boolean;
    errorsText(separator?: string): string;
  }
  export default function validator(
    definition: unknown,
    options?: { checkArn?: boolean; checkPaths?: boolean },
  ): Result;
}
