"""Stochastic optimizers over a flat parameter vector.

An optimizer knows nothing of networks or estimators: it holds its state
arrays and turns a gradient vector into an in-place update of the parameter
vector. The update rules follow PyTorch's documentation (``torch.optim``),
with scikit-learn's parameter names where scikit-learn has them.
"""

import numpy as np

from .jit import kernel


@kernel
def _adam_step(params, grads, m, v, learning_rate, beta_1, beta_2, epsilon, t):
    m_correction = 1.0 - beta_1**t
    v_correction = 1.0 - beta_2**t
    for i in range(params.shape[0]):
        g = grads[i]
        m[i] = beta_1 * m[i] + (1.0 - beta_1) * g
        v[i] = beta_2 * v[i] + (1.0 - beta_2) * g * g
        m_hat = m[i] / m_correction
        v_hat = v[i] / v_correction
        params[i] -= learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)


@kernel
def _rmsprop_step(params, grads, v, learning_rate, rho, epsilon):
    for i in range(params.shape[0]):
        g = grads[i]
        v[i] = rho * v[i] + (1.0 - rho) * g * g
        params[i] -= learning_rate * g / (np.sqrt(v[i]) + epsilon)


@kernel
def _sgd_step(params, grads, velocity, learning_rate, momentum, nesterov):
    for i in range(params.shape[0]):
        g = grads[i]
        velocity[i] = momentum * velocity[i] - learning_rate * g
        if nesterov:
            params[i] += momentum * velocity[i] - learning_rate * g
        else:
            params[i] += velocity[i]


class Adam:
    """Adam (Kingma & Ba, 2015) with bias-corrected moments.

    Parameters
    ----------
    n_params : int
        Length of the parameter vector.
    dtype : numpy dtype
        Dtype of the state arrays, that of the parameters.
    learning_rate : float
    beta_1, beta_2 : float
        Decay rates of the first and second moment estimates.
    epsilon : float
        Added to the denominator for numerical stability.
    """

    def __init__(self, n_params, dtype, learning_rate, beta_1=0.9,
                 beta_2=0.999, epsilon=1e-8):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.m = np.zeros(n_params, dtype=dtype)
        self.v = np.zeros(n_params, dtype=dtype)

    def update(self, params, grads):
        """Apply one step to ``params`` in place."""
        self.t += 1
        _adam_step(params, grads, self.m, self.v, self.learning_rate,
                   self.beta_1, self.beta_2, self.epsilon, self.t)


class RMSprop:
    """RMSprop: divide the gradient by a running root mean square.

    Parameters
    ----------
    n_params : int
    dtype : numpy dtype
    learning_rate : float
    rho : float
        Decay rate of the running mean of squared gradients.
    epsilon : float
    """

    def __init__(self, n_params, dtype, learning_rate, rho=0.9, epsilon=1e-8):
        self.learning_rate = learning_rate
        self.rho = rho
        self.epsilon = epsilon
        self.v = np.zeros(n_params, dtype=dtype)

    def update(self, params, grads):
        """Apply one step to ``params`` in place."""
        _rmsprop_step(params, grads, self.v, self.learning_rate, self.rho,
                      self.epsilon)


class SGD:
    """Stochastic gradient descent with (Nesterov) momentum.

    Parameters
    ----------
    n_params : int
    dtype : numpy dtype
    learning_rate : float
    momentum : float
    nesterov : bool
    """

    def __init__(self, n_params, dtype, learning_rate, momentum=0.9,
                 nesterov=True):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocity = np.zeros(n_params, dtype=dtype)

    def update(self, params, grads):
        """Apply one step to ``params`` in place."""
        _sgd_step(params, grads, self.velocity, self.learning_rate,
                  self.momentum, self.nesterov)
