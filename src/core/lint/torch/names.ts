// What the linter knows about torch's names: which functions, methods and layers apply an activation,
// which layers produce logits or pass their input through, which calls return the object itself, and
// the functional forms of the losses. The semantic model reads these tables; rules never list names
// of their own that belong here.
import type { ValueKind } from '../semantic/facts';

/** Activation functions, by canonical qualified name. */
export const ACTIVATION_FUNCTIONS: Record<string, ValueKind> = {
  'torch.sigmoid': 'sigmoid',
  'torch.softmax': 'softmax',
  'torch.log_softmax': 'logSoftmax',
  'torch.relu': 'relu',
  'torch.nn.functional.relu6': 'relu',
  'torch.nn.functional.softplus': 'relu',
};
/** Tensor methods that apply an activation: `z.sigmoid()`. */
export const ACTIVATION_METHODS: Record<string, ValueKind> = {
  sigmoid: 'sigmoid',
  softmax: 'softmax',
  log_softmax: 'logSoftmax',
  relu: 'relu',
};
/** Activation layers. */
export const ACTIVATION_LAYERS: Record<string, ValueKind> = {
  'torch.nn.Sigmoid': 'sigmoid',
  'torch.nn.Softmax': 'softmax',
  'torch.nn.LogSoftmax': 'logSoftmax',
  'torch.nn.ReLU': 'relu',
  'torch.nn.ReLU6': 'relu',
  'torch.nn.Softplus': 'relu',
};
/** Layers whose output is a raw affine score. */
export const LOGIT_LAYERS = new Set(['torch.nn.Linear', 'torch.nn.LazyLinear', 'torch.nn.Bilinear', 'torch.nn.Conv1d', 'torch.nn.Conv2d', 'torch.nn.Conv3d']);
/** Layers that leave the activation of their input unchanged (looked through in a Sequential). */
export const PASSTHROUGH_LAYERS = new Set(['torch.nn.Dropout', 'torch.nn.Dropout1d', 'torch.nn.Dropout2d', 'torch.nn.Flatten', 'torch.nn.Identity', 'torch.nn.Unflatten']);
/** Tensor methods/functions that keep what a value is (shape/dtype/device changes). */
export const PASSTHROUGH_METHODS = new Set(['squeeze', 'unsqueeze', 'view', 'view_as', 'reshape', 'flatten', 'float', 'double', 'half', 'to', 'cpu', 'cuda', 'contiguous', 'clamp', 'clip', 'type', 'permute', 'transpose', 'detach']);
export const PASSTHROUGH_FUNCTIONS = new Set(['torch.squeeze', 'torch.unsqueeze', 'torch.flatten', 'torch.reshape', 'torch.clamp', 'torch.clip']);
/** Methods that return the object itself, whatever it is (`Net().to(device)`, `nn.BCEWithLogitsLoss().cuda()`). */
export const SELF_RETURNING_METHODS = new Set(['to', 'cuda', 'cpu', 'float', 'double', 'half', 'train', 'eval', 'requires_grad_']);
export const MODULE_WRAPPERS = new Set(['torch.nn.DataParallel', 'torch.nn.parallel.DataParallel', 'torch.nn.parallel.DistributedDataParallel', 'torch.compile']);
/** Model zoos whose constructors build an nn.Module (`models.vgg16(...)`, `timm.create_model(...)`). */
export const MODEL_ZOO = /^(torchvision\.models(\.\w+)*\.[A-Za-z]\w*|timm\.create_model|timm\.models\.\w+)$/;

export const FUNCTIONAL_LOSSES: Record<string, string> = {
  'torch.nn.functional.binary_cross_entropy_with_logits': 'BCEWithLogitsLoss',
  'torch.nn.functional.binary_cross_entropy': 'BCELoss',
  'torch.nn.functional.cross_entropy': 'CrossEntropyLoss',
  'torch.nn.functional.nll_loss': 'NLLLoss',
  'torch.nn.functional.mse_loss': 'MSELoss',
  'torch.nn.functional.l1_loss': 'L1Loss',
  'torch.nn.functional.smooth_l1_loss': 'SmoothL1Loss',
  'torch.nn.functional.huber_loss': 'HuberLoss',
  'torch.nn.functional.kl_div': 'KLDivLoss',
  'torch.nn.functional.multilabel_soft_margin_loss': 'MultiLabelSoftMarginLoss',
};
/** The name a functional loss has in `torch.nn.functional`. */
export const FUNCTIONAL_NAME: Record<string, string> = Object.fromEntries(
  Object.entries(FUNCTIONAL_LOSSES).map(([q, loss]) => [loss, q.slice('torch.nn.functional.'.length)]),
);
