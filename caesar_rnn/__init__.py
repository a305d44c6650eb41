"""caesar-rnn: break Caesar ciphers with recurrent neural networks.

The light modules (cipher, corpus, datagen, classical, infer) import no torch, so the CLI's
start-up, `encrypt`, `gen-data` and CPU decryption stay fast; torch is loaded only to train
or to run on a GPU.
"""

__version__ = "0.1.0"
