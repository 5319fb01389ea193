// PLACEHOLDER written by the lead: the corpus/storage helper replaces this whole file.
export async function runCorpusCommand(command: string, _args: string[]): Promise<number> {
  process.stderr.write(`gongkai: ${command} 尚未实现 / not implemented yet\n`);
  return 2;
}
