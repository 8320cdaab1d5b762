/* A plain C program against a quant-compile artifact: reads token ids from
   the command line, writes the logits as raw floats. */
#include <stdio.h>
#include <stdlib.h>

#include "model.h"

int main(int argc, char **argv) {
  enum { N = QM_MODEL_BATCH * QM_MODEL_SEQ };
  if (argc != 3 + N) {
    fprintf(stderr, "usage: %s weights.bin out.bin <%d ids>\n", argv[0], N);
    return 2;
  }
  int64_t ids[N];
  for (int i = 0; i < N; ++i)
    ids[i] = atoll(argv[3 + i]);
  if (qm_model_init(argv[1])) {
    fprintf(stderr, "cannot load %s\n", argv[1]);
    return 1;
  }
  float *logits = malloc(sizeof(float) * N * QM_MODEL_VOCAB);
  if (qm_model_forward(ids, QM_MODEL_BATCH, QM_MODEL_SEQ, logits))
    return 1;
  FILE *f = fopen(argv[2], "wb");
  fwrite(logits, sizeof(float), (size_t)N * QM_MODEL_VOCAB, f);
  fclose(f);
  free(logits);
  return 0;
}
