// Full-batch gradient descent on the anti-symmetrically initialised shallow network of Jin & Montufar (2023),
// eq. (1)-(3), as an XLA FFI custom call on the CPU: the loop of numerics.shallow.train_jax, one pass over the
// units per step (AsiTrain); and a block of SGD steps on given examples, eq. (46) (AsiSgd, the inner loop of
// numerics.shallow.sgd_train_until).
//
// Network: f(x) = sum_c s_c ( sum_i W2_ci phi(<W1_ci, x> + b1_ci) + b2_c ), s = (sqrt2/2, -sqrt2/2); loss
// L = (1/M) sum_j (1/2) (f(x_j) - y_j)^2; theta <- theta - eta grad L on every parameter.  With g = (f(X) - Y) / M:
//   dL/dW2_ci = s_c sum_j g_j phi(z_cij),  dL/db1_ci = s_c W2_ci sum_j g_j phi'(z_cij),
//   dL/dW1_ci = s_c W2_ci sum_j g_j phi'(z_cij) x_j,  dL/db2_c = s_c sum_j g_j.
//
// One step reads each unit's parameters once: the gradient sums over the M data points, the update, and the new
// network's contribution to f(x_j) (the next step's residual) are computed while the unit is in registers, LANES
// units at a time (GCC/Clang vector extensions; the compiler maps them onto the machine's SIMD registers).  The
// XLA program this replaces reads the parameters twice a step and writes the (copies, M, units) features.
//
// Several networks (one per width) train in the same loop and stop together, as in train_jax: the loop runs
// while t < max_steps and some network's max_j |r_j| (before the step) exceeds tol; a NaN stops it.
//
// Layout: the K networks' units are concatenated, each network padded with zero units to a multiple of LANES (a
// zero unit stays zero under both activations: phi(0) = phi'(0) = 0), offsets[k] .. offsets[k + 1] are network
// k's units; W1 is (2, D, N) (input components apart), b1 and W2 (2, N), b2 (K, 2).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

namespace {

constexpr int LANES = 4;
typedef double vd __attribute__((vector_size(LANES * sizeof(double))));
typedef int64_t vi __attribute__((vector_size(LANES * sizeof(double))));

constexpr double S0 = 0.70710678118654752440;  // sqrt(0.5): s_1 = S0, s_2 = -S0

inline vd load(const double* p) {
  vd v;
  std::memcpy(&v, p, sizeof(vd));
  return v;
}
inline void store(double* p, vd v) { std::memcpy(p, &v, sizeof(vd)); }
inline vd splat(double x) { return vd{} + x; }
inline vd where(vi mask, vd v) { return (vd)((vi)v & mask); }  // v where mask, else +0.0

inline double lane_sum(vd v) {
  double s = 0.0;
  for (int l = 0; l < LANES; ++l) s += v[l];
  return s;
}

// max of |a| over n values, NaN if any is NaN (jnp.max's rule)
inline double abs_max(const double* a, int64_t n) {
  double m = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    double v = std::fabs(a[i]);
    if (std::isnan(v)) return v;
    if (v > m) m = v;
  }
  return n > 0 ? m : -INFINITY;
}

template <int D, bool RELU2>
struct Net {
  // phi(z): relu max(z, 0), relu2 max(z, 0)^2 / 2, NaN for a NaN z (as jnp.maximum)
  static inline vd phi(vd z) {
    vd zp = where(~(z <= 0.0), z);
    return RELU2 ? 0.5 * zp * zp : zp;
  }

  // g phi'(z): relu g 1[z > 0], relu2 g max(z, 0) (NaN for a NaN z, as jnp.maximum)
  static inline vd slope(vd z, double g) {
    return RELU2 ? where(~(z <= 0.0), z) * g : where(z > 0.0, splat(g));
  }

  // sum_i W2_i phi(<W1_i, x_j> + b1_i) for every j, units [lo, hi) of one copy
  static void outputs(const double* w1, const double* b1, const double* w2, int64_t N, int64_t lo, int64_t hi,
                      const double* X, int64_t M, double* out) {
    std::vector<vd> acc(M, vd{});
    for (int64_t i = lo; i < hi; i += LANES) {
      vd w[D];
      for (int k = 0; k < D; ++k) w[k] = load(w1 + k * N + i);
      vd b = load(b1 + i), a = load(w2 + i);
      for (int64_t j = 0; j < M; ++j) {
        vd z = b;
        for (int k = 0; k < D; ++k) z += w[k] * X[j * D + k];
        acc[j] += a * phi(z);
      }
    }
    for (int64_t j = 0; j < M; ++j) out[j] = lane_sum(acc[j]);
  }

  // one GD step of the units [lo, hi) of one copy, residual weights g = r / M, eta_s = eta s_c: writes the new
  // parameters in place and the new copy's sum_i W2_i phi(z_ij) into out
  template <int MM>
  static void step(double* w1, double* b1, double* w2, int64_t N, int64_t lo, int64_t hi, const double* X,
                   const double* g, int64_t M_, double eta_s, double* out, vd* acc_) {
    // MM > 0: M known when compiling (the loops over the data unrolled, the sums kept in registers)
    const int64_t M = MM > 0 ? MM : M_;
    vd acc_local[MM > 0 ? MM : 1];
    vd* acc = MM > 0 ? acc_local : acc_;
    for (int64_t j = 0; j < M; ++j) acc[j] = vd{};
    for (int64_t i = lo; i < hi; i += LANES) {
      vd w[D], gw[D];
      for (int k = 0; k < D; ++k) {
        w[k] = load(w1 + k * N + i);
        gw[k] = vd{};
      }
      vd b = load(b1 + i), a = load(w2 + i);
      vd gb = vd{};
      for (int64_t j = 0; j < M; ++j) {
        vd z = b;
        for (int k = 0; k < D; ++k) z += w[k] * X[j * D + k];
        vd gh = slope(z, g[j]);
        gb += gh;
        for (int k = 0; k < D; ++k) gw[k] += gh * X[j * D + k];
      }
      // phi is homogeneous of degree p (relu 1, relu2 2): phi(z) = z phi'(z) / p, so
      // sum_j g_j phi(z_j) = (sum_k W1_k sum_j g_j phi'(z_j) x_jk + b1 sum_j g_j phi'(z_j)) / p
      vd ga = b * gb;
      for (int k = 0; k < D; ++k) ga += w[k] * gw[k];
      if (RELU2) ga *= 0.5;
      vd coef = eta_s * a;
      for (int k = 0; k < D; ++k) w[k] -= coef * gw[k];
      b -= coef * gb;
      a -= eta_s * ga;
      for (int k = 0; k < D; ++k) store(w1 + k * N + i, w[k]);
      store(b1 + i, b);
      store(w2 + i, a);
      for (int64_t j = 0; j < M; ++j) {
        vd z = b;
        for (int k = 0; k < D; ++k) z += w[k] * X[j * D + k];
        acc[j] += a * phi(z);
      }
    }
    for (int64_t j = 0; j < M; ++j) out[j] = lane_sum(acc[j]);
  }

  static int64_t train(double* w1, double* b1, double* w2, double* b2, const double* eta, const double* X,
                       const double* Y, double tol, int64_t max_steps, const int64_t* offsets, int64_t K, int64_t N,
                       int64_t M, double* f, double* peak, double* rmax0) {
    std::vector<vd> acc(M);
    std::vector<double> o0(M), o1(M), r(M), g(M), cur(K);
    // f for the initial networks
    for (int64_t k = 0; k < K; ++k) {
      outputs(w1, b1, w2, N, offsets[k], offsets[k + 1], X, M, o0.data());
      outputs(w1 + D * N, b1 + N, w2 + N, N, offsets[k], offsets[k + 1], X, M, o1.data());
      for (int64_t j = 0; j < M; ++j) {
        f[k * M + j] = S0 * ((o0[j] + b2[2 * k]) - (o1[j] + b2[2 * k + 1]));
        r[j] = f[k * M + j] - Y[j];
      }
      cur[k] = abs_max(r.data(), M);
      rmax0[k] = peak[k] = cur[k];
    }
    int64_t t = 0;
    while (t < max_steps) {
      double worst = abs_max(cur.data(), K);  // the cur are >= 0 or NaN
      if (!(worst > tol)) break;
      for (int64_t k = 0; k < K; ++k) {
        double sum_g = 0.0;
        for (int64_t j = 0; j < M; ++j) {
          r[j] = f[k * M + j] - Y[j];
          g[j] = r[j] / M;
          sum_g += g[j];
        }
        cur[k] = abs_max(r.data(), M);
        // fmax: a NaN residual leaves the peak as it was
        if (!std::isnan(cur[k]) && (std::isnan(peak[k]) || cur[k] > peak[k])) peak[k] = cur[k];
        double e = eta[k];
        auto one = [&](auto mm) {
          constexpr int MM = decltype(mm)::value;
          step<MM>(w1, b1, w2, N, offsets[k], offsets[k + 1], X, g.data(), M, e * S0, o0.data(), acc.data());
          step<MM>(w1 + D * N, b1 + N, w2 + N, N, offsets[k], offsets[k + 1], X, g.data(), M, e * -S0, o1.data(),
                   acc.data());
        };
        switch (M) {
          case 3: one(std::integral_constant<int, 3>{}); break;
          case 4: one(std::integral_constant<int, 4>{}); break;
          case 5: one(std::integral_constant<int, 5>{}); break;
          case 6: one(std::integral_constant<int, 6>{}); break;
          case 7: one(std::integral_constant<int, 7>{}); break;
          case 8: one(std::integral_constant<int, 8>{}); break;
          default: one(std::integral_constant<int, 0>{});
        }
        b2[2 * k] -= e * S0 * sum_g;
        b2[2 * k + 1] -= e * -S0 * sum_g;
        for (int64_t j = 0; j < M; ++j) f[k * M + j] = S0 * ((o0[j] + b2[2 * k]) - (o1[j] + b2[2 * k + 1]));
      }
      ++t;
    }
    return t;
  }

  // one SGD step on the example x (loss (1/2)(f(x) - y)^2, residual r = f(x) - y) of the units [lo, hi) of one
  // copy, eta_s = eta s_c, then the new copy's sum_i W2_i phi(<W1_i, x_next> + b1_i), returned
  static double sgd_step(double* w1, double* b1, double* w2, int64_t N, int64_t lo, int64_t hi, const double* x,
                         double r, const double* x_next, double eta_s) {
    vd acc = vd{};
    for (int64_t i = lo; i < hi; i += LANES) {
      vd w[D];
      for (int k = 0; k < D; ++k) w[k] = load(w1 + k * N + i);
      vd b = load(b1 + i), a = load(w2 + i);
      vd z = b;
      for (int k = 0; k < D; ++k) z += w[k] * x[k];
      vd gh = slope(z, r);
      vd coef = eta_s * a;
      a -= eta_s * (phi(z) * r);
      for (int k = 0; k < D; ++k) w[k] -= coef * (gh * x[k]);
      b -= coef * gh;
      for (int k = 0; k < D; ++k) store(w1 + k * N + i, w[k]);
      store(b1 + i, b);
      store(w2 + i, a);
      vd zn = b;
      for (int k = 0; k < D; ++k) zn += w[k] * x_next[k];
      acc += a * phi(zn);
    }
    return lane_sum(acc);
  }

  // S steps of SGD (Jin & Montufar eq. (46)), step s on the example js[s], each network k at its eta[k]
  static void sgd(double* w1, double* b1, double* w2, double* b2, const double* eta, const double* X,
                  const double* Y, const int64_t* js, int64_t S, const int64_t* offsets, int64_t K, int64_t N) {
    if (S == 0) return;
    for (int64_t k = 0; k < K; ++k) {
      const int64_t lo = offsets[k], hi = offsets[k + 1];
      double o0, o1;
      outputs(w1, b1, w2, N, lo, hi, X + js[0] * D, 1, &o0);
      outputs(w1 + D * N, b1 + N, w2 + N, N, lo, hi, X + js[0] * D, 1, &o1);
      const double e = eta[k];
      for (int64_t s = 0; s < S; ++s) {
        const double* x = X + js[s] * D;
        const double* x_next = X + js[s + 1 < S ? s + 1 : s] * D;
        const double r = S0 * ((o0 + b2[2 * k]) - (o1 + b2[2 * k + 1])) - Y[js[s]];
        o0 = sgd_step(w1, b1, w2, N, lo, hi, x, r, x_next, e * S0);
        o1 = sgd_step(w1 + D * N, b1 + N, w2 + N, N, lo, hi, x, r, x_next, e * -S0);
        b2[2 * k] -= e * S0 * r;
        b2[2 * k + 1] -= e * -S0 * r;
      }
    }
  }
};

}  // namespace

#ifndef ASI_TRAIN_NO_FFI
#include "xla/ffi/api/ffi.h"

namespace ffi = xla::ffi;

namespace {

// The checks both handlers make, and the parameters copied to the results (the kernels update them in place)
ffi::Error Prepare(const ffi::Buffer<ffi::F64>& w1, const ffi::Buffer<ffi::F64>& b1, const ffi::Buffer<ffi::F64>& w2,
                   const ffi::Buffer<ffi::F64>& b2, const ffi::Buffer<ffi::F64>& eta, const ffi::Buffer<ffi::F64>& X,
                   const ffi::Buffer<ffi::F64>& Y, const ffi::Buffer<ffi::S64>& offsets,
                   ffi::ResultBuffer<ffi::F64>& w1_out, ffi::ResultBuffer<ffi::F64>& b1_out,
                   ffi::ResultBuffer<ffi::F64>& w2_out, ffi::ResultBuffer<ffi::F64>& b2_out, int64_t& D, int64_t& N) {
  auto wd = w1.dimensions();
  if (wd.size() != 3 || wd[0] != 2) return ffi::Error::InvalidArgument("W1 must be (2, D, N)");
  D = wd[1];
  N = wd[2];
  const int64_t K = eta.element_count(), M = Y.element_count();
  if (D != 1 && D != 2) return ffi::Error::InvalidArgument("inputs of dimension 1 or 2 only");
  if (N % LANES != 0) return ffi::Error::InvalidArgument("the units must be padded to a multiple of LANES");
  if (offsets.element_count() != static_cast<size_t>(K + 1) || X.element_count() != static_cast<size_t>(M * D))
    return ffi::Error::InvalidArgument("offsets must have K + 1 entries and X must be (M, D)");
  std::memcpy(w1_out->typed_data(), w1.typed_data(), w1.size_bytes());
  std::memcpy(b1_out->typed_data(), b1.typed_data(), b1.size_bytes());
  std::memcpy(w2_out->typed_data(), w2.typed_data(), w2.size_bytes());
  std::memcpy(b2_out->typed_data(), b2.typed_data(), b2.size_bytes());
  return ffi::Error::Success();
}

// fn(Net<D, relu2>{}) for D in {1, 2}
template <typename F>
auto Dispatch(int64_t D, int64_t relu2, F fn) {
  if (D == 1) return relu2 ? fn(Net<1, true>{}) : fn(Net<1, false>{});
  return relu2 ? fn(Net<2, true>{}) : fn(Net<2, false>{});
}

ffi::Error AsiTrainImpl(ffi::Buffer<ffi::F64> w1, ffi::Buffer<ffi::F64> b1, ffi::Buffer<ffi::F64> w2,
                        ffi::Buffer<ffi::F64> b2, ffi::Buffer<ffi::F64> eta, ffi::Buffer<ffi::F64> X,
                        ffi::Buffer<ffi::F64> Y, ffi::Buffer<ffi::F64> tol, ffi::Buffer<ffi::S64> max_steps,
                        ffi::Buffer<ffi::S64> offsets, int64_t relu2, ffi::ResultBuffer<ffi::F64> w1_out,
                        ffi::ResultBuffer<ffi::F64> b1_out, ffi::ResultBuffer<ffi::F64> w2_out,
                        ffi::ResultBuffer<ffi::F64> b2_out, ffi::ResultBuffer<ffi::S64> steps,
                        ffi::ResultBuffer<ffi::F64> f, ffi::ResultBuffer<ffi::F64> peak,
                        ffi::ResultBuffer<ffi::F64> rmax0) {
  int64_t D, N;
  ffi::Error ready = Prepare(w1, b1, w2, b2, eta, X, Y, offsets, w1_out, b1_out, w2_out, b2_out, D, N);
  if (ready.failure()) return ready;
  const int64_t K = eta.element_count(), M = Y.element_count();
  steps->typed_data()[0] = Dispatch(D, relu2, [&](auto net) {
    return decltype(net)::train(w1_out->typed_data(), b1_out->typed_data(), w2_out->typed_data(),
                                b2_out->typed_data(), eta.typed_data(), X.typed_data(), Y.typed_data(),
                                tol.typed_data()[0], max_steps.typed_data()[0], offsets.typed_data(), K, N, M,
                                f->typed_data(), peak->typed_data(), rmax0->typed_data());
  });
  return ffi::Error::Success();
}

ffi::Error AsiSgdImpl(ffi::Buffer<ffi::F64> w1, ffi::Buffer<ffi::F64> b1, ffi::Buffer<ffi::F64> w2,
                      ffi::Buffer<ffi::F64> b2, ffi::Buffer<ffi::F64> eta, ffi::Buffer<ffi::F64> X,
                      ffi::Buffer<ffi::F64> Y, ffi::Buffer<ffi::S64> js, ffi::Buffer<ffi::S64> offsets,
                      int64_t relu2, ffi::ResultBuffer<ffi::F64> w1_out, ffi::ResultBuffer<ffi::F64> b1_out,
                      ffi::ResultBuffer<ffi::F64> w2_out, ffi::ResultBuffer<ffi::F64> b2_out) {
  const int64_t K = eta.element_count(), M = Y.element_count(), S = js.element_count();
  for (int64_t s = 0; s < S; ++s)
    if (js.typed_data()[s] < 0 || js.typed_data()[s] >= M) return ffi::Error::InvalidArgument("example out of range");
  int64_t D, N;
  ffi::Error ready = Prepare(w1, b1, w2, b2, eta, X, Y, offsets, w1_out, b1_out, w2_out, b2_out, D, N);
  if (ready.failure()) return ready;
  Dispatch(D, relu2, [&](auto net) {
    decltype(net)::sgd(w1_out->typed_data(), b1_out->typed_data(), w2_out->typed_data(), b2_out->typed_data(),
                       eta.typed_data(), X.typed_data(), Y.typed_data(), js.typed_data(), S, offsets.typed_data(), K,
                       N);
    return 0;
  });
  return ffi::Error::Success();
}

}  // namespace

// The arguments both handlers begin with: W1 (2, D, N), b1 (2, N), W2 (2, N), b2 (K, 2), eta (K,), X (M, D), Y (M,)
static auto BindNetworks() {
  using F64 = ffi::Buffer<ffi::F64>;
  return ffi::Ffi::Bind().Arg<F64>().Arg<F64>().Arg<F64>().Arg<F64>().Arg<F64>().Arg<F64>().Arg<F64>();
}

XLA_FFI_DEFINE_HANDLER_SYMBOL(AsiSgd, AsiSgdImpl,
                              BindNetworks()
                                  .Arg<ffi::Buffer<ffi::S64>>()  // js (S,): the examples of the S steps
                                  .Arg<ffi::Buffer<ffi::S64>>()  // offsets (K + 1,)
                                  .Attr<int64_t>("relu2")
                                  .Ret<ffi::Buffer<ffi::F64>>()   // W1
                                  .Ret<ffi::Buffer<ffi::F64>>()   // b1
                                  .Ret<ffi::Buffer<ffi::F64>>()   // W2
                                  .Ret<ffi::Buffer<ffi::F64>>());  // b2

XLA_FFI_DEFINE_HANDLER_SYMBOL(AsiTrain, AsiTrainImpl,
                              BindNetworks()
                                  .Arg<ffi::Buffer<ffi::F64>>()  // tol ()
                                  .Arg<ffi::Buffer<ffi::S64>>()  // max_steps ()
                                  .Arg<ffi::Buffer<ffi::S64>>()  // offsets (K + 1,)
                                  .Attr<int64_t>("relu2")
                                  .Ret<ffi::Buffer<ffi::F64>>()   // W1
                                  .Ret<ffi::Buffer<ffi::F64>>()   // b1
                                  .Ret<ffi::Buffer<ffi::F64>>()   // W2
                                  .Ret<ffi::Buffer<ffi::F64>>()   // b2
                                  .Ret<ffi::Buffer<ffi::S64>>()   // steps ()
                                  .Ret<ffi::Buffer<ffi::F64>>()   // f (K, M) of the final networks
                                  .Ret<ffi::Buffer<ffi::F64>>()   // peak (K,)
                                  .Ret<ffi::Buffer<ffi::F64>>());  // rmax0 (K,)
#endif  // ASI_TRAIN_NO_FFI
